import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connect } from 'node:http2';
import { generateApnsClientCertificate, spawnApnsSimulatorProcess } from '../../src/simulators/apns/index.js';
import { parseCliArgs } from '../../src/simulators/apns/cli-args.js';
import { processArgs } from '../../src/simulators/apns/process.js';
import { KEY_ID, TEAM, TOPIC, connectTo, makeProviderKey, send, signJwt } from './apns-test-client.js';

describe('APNS simulator as its own process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-apns-sim-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the process prints its ready line, answers, prints nothing more and exits cleanly on SIGTERM', async () => {
    const sim = await spawnApnsSimulatorProcess(['--accept-all']);
    let extraStdout = '';
    sim.child.stdout?.on('data', (chunk: Buffer) => (extraStdout += chunk.toString()));
    assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(sim.caFile));
    const client = await connectTo(sim);
    assert.equal((await send(client, {})).status, 200);
    client.close();
    await sim.stop();
    assert.equal(sim.child.exitCode, 0);
    assert.equal(extraStdout, '');
    assert.equal(existsSync(sim.caFile), false, 'the CA file is removed on exit');
  });

  test('the process exits cleanly on SIGINT too', async () => {
    const sim = await spawnApnsSimulatorProcess(['--accept-all']);
    const exited = once(sim.child, 'exit');
    sim.child.kill('SIGINT');
    assert.deepEqual(await exited, [0, null]);
  });

  test('the process stops cleanly when its parent goes away (stdin ends)', async () => {
    const sim = await spawnApnsSimulatorProcess(['--accept-all']);
    const exited = once(sim.child, 'exit');
    sim.child.stdin?.end();
    assert.deepEqual(await exited, [0, null]);
    assert.equal(existsSync(sim.caFile), false);
  });

  test('with a team and a key file the process checks provider tokens and raises the stream limit', async () => {
    const key = makeProviderKey();
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, key.publicKeyPem);
    const sim = await spawnApnsSimulatorProcess([
      '--team-id', TEAM, '--key-id', KEY_ID, '--public-key-file', keyFile, '--max-streams', '9',
    ]);
    const client = await connectTo(sim);
    try {
      const refused = await send(client, {});
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.json, { reason: 'MissingProviderToken' });
      const raised = once(client, 'remoteSettings');
      assert.equal((await send(client, { jwt: signJwt(key, Math.floor(Date.now() / 1000)) })).status, 200);
      await raised;
      assert.equal(client.remoteSettings.maxConcurrentStreams, 9);
    } finally {
      client.close();
      await sim.stop();
    }
  });

  test('a bad flag makes the spawn fail with the reason', async () => {
    await assert.rejects(spawnApnsSimulatorProcess(['--port', 'eighty']), /--port needs a non-negative integer/);
  });

  test('fault modes reach the process at start and at run time, and bad ones are refused with the reason', async () => {
    const sim = await spawnApnsSimulatorProcess({ acceptAll: true, serverErrors: { count: 1, retryAfterSeconds: 4 } });
    const client = await connectTo(sim);
    try {
      const first = await send(client, {});
      assert.deepEqual([first.status, first.json, first.headers['retry-after']], [503, { reason: 'ServiceUnavailable' }, '4']);
      assert.equal((await send(client, {})).status, 200);
      await sim.faults.set({ tooManyRequests: { count: 1 } });
      assert.equal((await send(client, {})).status, 429);
      const settings = once(client, 'remoteSettings');
      await sim.faults.set({ maxConcurrentStreams: 3 });
      await settings;
      assert.equal(client.remoteSettings.maxConcurrentStreams, 3);
      await assert.rejects(sim.faults.set({ latencyMs: -5 }), { code: 'HERALD_CONFIG_INVALID', message: /faults\.latencyMs/ });
      const goaway = once(client, 'goaway');
      await sim.faults.goaway({ reason: 'Shutdown' });
      const [, , data] = (await goaway) as [number, number, Buffer];
      assert.deepEqual(JSON.parse(data.toString()), { reason: 'Shutdown' });
    } finally {
      client.destroy();
      await sim.stop();
    }
  });

  test('a command after the process has stopped is refused instead of waiting for ever', async () => {
    const sim = await spawnApnsSimulatorProcess(['--accept-all']);
    await sim.stop();
    await assert.rejects(sim.faults.clear(), { code: 'HERALD_TRANSPORT' });
  });

  test('with a client certificate the process authenticates connections that present it', async () => {
    const pair = await generateApnsClientCertificate({ topic: TOPIC });
    const certFile = join(dir, 'client-cert.pem');
    writeFileSync(certFile, pair.cert);
    const sim = await spawnApnsSimulatorProcess({ clientCertificate: { certFile, topics: [TOPIC] }, latencyMs: 1, jitterMs: 1 });
    const client = connect(sim.url, { ca: sim.ca, cert: pair.cert, key: pair.key });
    client.on('error', () => {});
    try {
      await once(client, 'remoteSettings');
      assert.equal((await send(client, { headers: { 'apns-topic': undefined } })).status, 200);
    } finally {
      client.destroy();
      await sim.stop();
    }
  });

  test('a bad flag makes the spawn fail with the reason', async () => {
    await assert.rejects(spawnApnsSimulatorProcess(['--port', 'eighty']), /--port needs a non-negative integer/);
    await assert.rejects(spawnApnsSimulatorProcess({ refuseStreams: -1 }), /refuseStreams/);
  });

  test('flags parse into simulator settings, the dedicated flags over --faults', () => {
    const args = ['--port', '2197', '--accept-all', '--latency-ms', '3', '--max-streams', '500'];
    assert.deepEqual(parseCliArgs([...args, '--faults', '{"latencyMs":9,"refuseStreams":2}', '--environment', 'development']), {
      host: undefined,
      port: 2197,
      acceptAll: true,
      faults: { latencyMs: 3, refuseStreams: 2, maxConcurrentStreams: 500 },
      environment: 'development',
      teamId: undefined,
      keyId: undefined,
      publicKeyFile: undefined,
      clientCertificate: undefined,
      stopOnStdinEnd: false,
    });
    assert.deepEqual(parseCliArgs(['--client-cert', 'c.pem', '--client-cert-topics', 'a,a.voip']).clientCertificate, {
      certFile: 'c.pem',
      topics: ['a', 'a.voip'],
    });
    assert.throws(() => parseCliArgs(['--key-id', 'K']), { code: 'HERALD_CONFIG_INVALID' });
    assert.throws(() => parseCliArgs(['--client-cert', 'c.pem']), { code: 'HERALD_CONFIG_INVALID' });
    assert.throws(() => parseCliArgs(['--colour']), { code: 'HERALD_CONFIG_INVALID' });
    assert.throws(() => parseCliArgs(['--faults', '{"latency":1}']), { code: 'HERALD_CONFIG_INVALID', message: /latency \(unknown\)/ });
    assert.throws(() => parseCliArgs(['--environment', 'staging']), { code: 'HERALD_CONFIG_INVALID' });
  });

  test('process options become the same flags', () => {
    assert.deepEqual(
      processArgs({ acceptAll: true, teamId: 'T', latencyMs: 2, goaway: { afterRequests: 10 } }),
      ['--accept-all', '--team-id', 'T', '--faults', '{"latencyMs":2,"goaway":{"afterRequests":10}}'],
    );
  });
});
