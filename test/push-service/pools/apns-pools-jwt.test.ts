import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startActorRuntime } from '../../../src/actors/index.js';
import { validateConfig } from '../../../src/core/config/load.js';
import { startApnsPools } from '../../../src/push-service/pools/apns-pool.js';
import { resolveApnsPools } from '../../../src/push-service/pools/credentials.js';
import { apnsPoolSpecs } from '../../../src/push-service/pools/pool-specs.js';
import { PushPools } from '../../../src/push-service/pools/push-pools.js';
import { startApnsSimulator } from '../../../src/simulators/apns/index.js';

const JWT_REFRESH_S = 3_000;

test('pools of one key mint one JWT per refresh window for all their connections, prod and dev alike', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-pools-jwt-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(dir, 'key.p8');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  let now = 1_700_000_000_000;
  const clock = () => now;
  const sim = await startApnsSimulator({
    teamId: 'TEAMID1234',
    keys: { KEYID12345: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    clock,
  });
  const config = validateConfig({
    apns: {
      team_id: 'TEAMID1234',
      key_id: 'KEYID12345',
      key_file: keyFile,
      jwt_refresh_s: JWT_REFRESH_S,
      pools: [
        { mode: 'prod', connections: 3, sender_threads: 0 },
        { mode: 'dev', connections: 2, sender_threads: 0 },
      ],
    },
  });
  const runtime = startActorRuntime();
  const specs = apnsPoolSpecs(config.apns).map((spec) => ({ ...spec, endpoint: sim.url }));
  const resolved = resolveApnsPools(specs, { clock }).map((pool) => ({ ...pool, ca: sim.ca }));
  const pools = new PushPools(await startApnsPools(resolved, config.actors.sender_mailbox_capacity, runtime, { clock }));
  let n = 0;
  const burst = async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        pools.send({ service: 'apns', mode: i % 2 === 0 ? 'prod' : 'dev', device_id: (++n).toString(16).padStart(64, '0'), alert: { title: 't', body: 'b' } }),
      ),
    );
    for (const o of outcomes) assert.deepEqual(o.ok, true, JSON.stringify(o));
  };
  try {
    await burst();
    const opened = pools.pools.flatMap((p) => p.stats().connectionStates);
    assert.equal(opened.length, 5);
    assert.equal(sim.stats.jwtsSeen, 1, 'five connections, two pools, one token');

    now += (JWT_REFRESH_S - 1) * 1000;
    await burst();
    assert.equal(sim.stats.jwtsSeen, 1, 'still inside the window');

    now += 1_000;
    await burst();
    assert.equal(sim.stats.jwtsSeen, 2, 'exactly one refresh for the whole process');
    assert.equal(sim.stats.rejected, 0, 'no TooManyProviderTokenUpdates, no ExpiredProviderToken');
  } finally {
    await pools.close(0);
    runtime.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
