import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfig } from '../../src/core/config/load.js';
import { startSimulatorsFor } from '../../src/simulators/for-config.js';
import { pointedAtSimulators } from '../../src/simulators/simulated-config.js';
import { connectTo, deviceToken, send } from './apns-test-client.js';
import { call } from './control-client.js';
import * as webPushClient from './webpush-test-client.js';

function configIn(dir: string, extra: Record<string, unknown> = {}) {
  return validateConfig({ store: { path: join(dir, 'lmdb') }, apns: { key_file: join(dir, 'apns.p8') }, rest: { enabled: false }, ...extra });
}

test('every pool of a simulated provider points at its simulator, and [simulators] come back off', () => {
  const config = configIn('/data', {
    apns: { pools: [{ mode: 'prod', endpoint: 'https://apple.example' }, { mode: 'dev' }] },
    fcm: { pools: [{ service_account_file: '/own.json' }] },
  });
  const pointed = pointedAtSimulators(config, {
    apns: { url: 'https://127.0.0.1:1', caFile: '/sim/apns-ca.pem' },
    fcm: { url: 'https://127.0.0.1:2', caFile: '/sim/fcm-ca.pem', serviceAccountFile: '/sim/account.json' },
    webpush: { url: 'https://127.0.0.1:3', caFile: '/sim/webpush-ca.pem' },
  });
  assert.equal(pointed.webpush.ca_file, '/sim/webpush-ca.pem', 'Web Push has no endpoint to point: subscriptions name the simulator; Herald trusts it');
  assert.equal(pointed.simulators.webpush.enabled, false);
  assert.deepEqual(pointed.apns.pools?.map((p) => p.endpoint), ['https://127.0.0.1:1', 'https://127.0.0.1:1']);
  assert.equal(pointed.apns.endpoint, 'https://127.0.0.1:1');
  assert.equal(pointed.apns.dev_endpoint, 'https://127.0.0.1:1');
  assert.equal(pointed.apns.ca_file, '/sim/apns-ca.pem');
  assert.equal(pointed.fcm.endpoint, 'https://127.0.0.1:2');
  assert.equal(pointed.fcm.ca_file, '/sim/fcm-ca.pem');
  assert.deepEqual(pointed.fcm.pools?.map((p) => p.service_account_file), ['/sim/account.json']);
  assert.equal(pointed.fcm.service_account_file, '/sim/account.json');
  assert.equal(pointed.simulators.apns.enabled, false);
  assert.equal(pointed.simulators.fcm.enabled, false);
});

test('a provider without a simulator keeps its endpoints, trust and credentials', () => {
  const config = configIn('/data');
  const pointed = pointedAtSimulators(config, { fcm: { url: 'https://127.0.0.1:2', caFile: '/sim/fcm-ca.pem', serviceAccountFile: '/sim/a.json' } });
  assert.deepEqual(pointed.apns, config.apns);
});

test('the simulators a config enables are started, their CA and account written beside the store, and removed by close()', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-for-config-'));
  try {
    const running = await startSimulatorsFor(configIn(dir));
    try {
      assert.ok(running.apns && running.fcm && running.webpush, 'the three simulators run');
      assert.equal(readFileSync(running.config.webpush.ca_file!, 'utf8'), running.webpush.ca);
      assert.ok(existsSync(join(dir, 'apns.p8')), 'the dev .p8 key the APNS simulator trusts is ensured');
      assert.equal(readFileSync(running.config.apns.ca_file!, 'utf8'), running.apns.ca);
      assert.equal(readFileSync(running.config.fcm.ca_file!, 'utf8'), running.fcm.ca);
      assert.deepEqual(JSON.parse(readFileSync(running.config.fcm.service_account_file, 'utf8')), running.fcm.serviceAccount);
      assert.equal(running.config.apns.endpoint, running.apns.url);
      assert.equal(running.config.fcm.endpoint, running.fcm.url);
    } finally {
      await running.close();
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('simulators-')), [], 'the simulator files are gone');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a config with [simulators] off is handed back as it is, and nothing is started', async () => {
  const config = configIn('/nonexistent-data', { simulators: { apns: { enabled: false }, fcm: { enabled: false }, webpush: { enabled: false } } });
  const running = await startSimulatorsFor(config);
  assert.equal(running.apns, undefined);
  assert.equal(running.fcm, undefined);
  assert.equal(running.webpush, undefined);
  assert.deepEqual(running.config, config);
  await running.close();
});

test('simulators.apns.records_kept bounds the records the control API lists to the newest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-for-config-'));
  const running = await startSimulatorsFor(configIn(dir, { simulators: { apns: { records_kept: 2 }, fcm: { enabled: false } } }));
  const client = await connectTo(running.apns!);
  try {
    // No provider token: each is refused 403 and kept as a rejected record.
    const tokens = [deviceToken(), deviceToken(), deviceToken()];
    for (const token of tokens) assert.equal((await send(client, { token })).status, 403);
    const listed = (await call(running.control!.url, 'GET', '/deliveries?service=apns')).json!.deliveries;
    assert.deepEqual(listed.map((d: { device: string }) => d.device), [tokens[2], tokens[1]]);
  } finally {
    client.destroy();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with only the Web Push simulator running, the control API is started over it and lists its pushes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-for-config-'));
  const running = await startSimulatorsFor(configIn(dir, { simulators: { apns: { enabled: false }, fcm: { enabled: false } } }));
  const client = await webPushClient.connectTo(running.webpush!);
  try {
    const subscription = running.webpush!.createSubscription();
    assert.equal((await webPushClient.push(client, subscription, { payload: '{"title":"T"}' })).status, 201);
    const listed = (await call(running.control!.url, 'GET', '/deliveries?service=webpush')).json!.deliveries;
    assert.deepEqual(listed.map((d: { endpoint: string }) => d.endpoint), [subscription.endpoint]);
  } finally {
    client.destroy();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
