/**
 * Apple refuses the provider token a shard sent (ExpiredProviderToken: Herald's clock is behind
 * Apple's). A shard only forwards the main thread's token (token-relay.ts), so the refusal goes
 * to the main thread's provider, which replaces the token once; the new token is relayed to every
 * shard and the refused notifications are resent with it. The relay and the shards' tokens are
 * wired here as sharded-herald.ts and shard-worker.ts wire them over the shards' ports; each
 * shard's pool is a real APNS pool (its own senders, or a sender thread) on the simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startActorRuntime } from '../../src/actors/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import { ApnsTokenProvider, MIN_TOKEN_UPDATE_INTERVAL_MS } from '../../src/push-service/apns/jwt.js';
import { startApnsPool, type ApnsPool } from '../../src/push-service/pools/apns-pool.js';
import { RelayedTokens, TokenRelay } from '../../src/shards/token-relay.js';
import { startApnsSimulator } from '../../src/simulators/apns/index.js';
import { apnsTestPool } from '../push-service/pools/test-pools.js';
import { alert, KEY_ID, TEAM, TOKEN } from '../push-service/threaded/thread-rig.js';

const START_MS = 1_700_000_000_000;
const SOURCE = 'the key';
/** A relay interval no test waits for: new tokens must reach the shards without it. */
const NEVER_MS = 3_600_000;

for (const senderThreads of [0, 1]) {
  test(`two shards (sender_threads = ${senderThreads}) whose token Apple refuses as expired: one new token, minted on the main thread, and every notification delivered`, async () => {
    let now = START_MS;
    let appleNow = START_MS;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: publicKey.export({ type: 'spki', format: 'pem' }).toString() }, clock: () => appleNow });
    const config = validateConfig({ apns: { team_id: TEAM, key_id: KEY_ID, sender_threads: senderThreads, connections: 1 } }).apns;
    const provider = new ApnsTokenProvider({ teamId: TEAM, keyId: KEY_ID, privateKey, refreshAfterS: config.jwt_refresh_s, clock: () => now });

    // The main thread's relay and two shards' tokens, each message crossing as on a port (a turn later).
    const shards: RelayedTokens[] = [];
    const relay = new TokenRelay(new Map([[SOURCE, provider]]), (id, authorization) => {
      for (const shard of shards) setImmediate(() => shard.update(id, authorization));
    }, NEVER_MS);
    for (let i = 0; i < 2; i++) {
      const shard: RelayedTokens = new RelayedTokens(relay.current(), (id, refused) =>
        setImmediate(() => void relay.refused(id, refused).then((answer) => answer !== undefined && setImmediate(() => shard.answered(id, answer)))),
      );
      shards.push(shard);
    }
    const pools: ApnsPool[] = [];
    try {
      for (const shard of shards) {
        const pool = apnsTestPool(config, { endpoint: sim.url, ca: sim.ca, auth: { kind: 'token', tokens: shard.sources.get(SOURCE)! }, threads: senderThreads });
        pools.push(await startApnsPool(pool, 64, startActorRuntime()));
      }
      const sendAll = () => Promise.all(pools.flatMap((pool) => [1, 2, 3].map(() => pool.send(alert(TOKEN)))));
      assert.ok((await sendAll()).every((o) => o.ok));

      now += MIN_TOKEN_UPDATE_INTERVAL_MS + 60_000; // old enough to be replaced, younger than jwt_refresh_s
      appleNow = now + 45 * 60_000; // Apple holds it as over an hour old
      const outcomes = await sendAll();
      assert.ok(outcomes.every((o) => o.ok), JSON.stringify(outcomes));
      assert.equal(provider.minted, 2, 'one new token for both shards');
      assert.equal(sim.stats.jwtsSeen, 2);
      assert.deepEqual(Object.keys(sim.stats.rejectedByReason), ['ExpiredProviderToken']);
      assert.deepEqual(shards.map((s) => s.sources.get(SOURCE)!.authorization()), [provider.authorization(), provider.authorization()], 'both shards hold the new token');
    } finally {
      relay.stop();
      await Promise.all(pools.map((p) => p.close()));
      await sim.close();
    }
  });
}
