import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { spawnApnsSimulatorProcess } from '../../src/simulators/apns/index.js';
import { parseCliArgs } from '../../src/simulators/apns/cli-args.js';
import { KEY_ID, TEAM, connectTo, makeProviderKey, send, signJwt } from './apns-test-client.js';

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

  test('flags parse into simulator settings', () => {
    assert.deepEqual(parseCliArgs(['--port', '2197', '--accept-all', '--latency-ms', '3', '--max-streams', '500']), {
      host: undefined,
      port: 2197,
      acceptAll: true,
      latencyMs: 3,
      jitterMs: undefined,
      maxConcurrentStreams: 500,
      teamId: undefined,
      keyId: undefined,
      publicKeyFile: undefined,
      stopOnStdinEnd: false,
    });
    assert.throws(() => parseCliArgs(['--key-id', 'K']), { code: 'HERALD_CONFIG_INVALID' });
    assert.throws(() => parseCliArgs(['--colour']), { code: 'HERALD_CONFIG_INVALID' });
  });
});
