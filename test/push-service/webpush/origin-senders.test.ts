/**
 * The Web Push pool opens senders per push-service origin, on demand, and keeps at most
 * `webpush.max_origins` of them: endpoints come from clients, so they must not make Herald hold
 * unbounded connections. Two simulators on two ports are two origins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startActorRuntime } from '../../../src/actors/index.js';
import { validateConfig } from '../../../src/core/config/load.js';
import { generateLocalhostPair } from '../../../src/core/tls.js';
import { startWebPushPool } from '../../../src/push-service/pools/webpush-pool.js';
import { startWebPushSimulator } from '../../../src/simulators/webpush/index.js';
import { eventually } from '../../support/eventually.js';

test('past max_origins the least recently used origin is closed, and a push to it later opens it again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-webpush-origins-'));
  // One certificate for all: self-signed ones share their subject, and TLS would pick the wrong one.
  const tls = await generateLocalhostPair();
  const [a, b, c] = await Promise.all([1, 2, 3].map(() => startWebPushSimulator({ tls })));
  const origin = (sim: typeof a) => new URL(sim!.url).origin;
  const runtime = startActorRuntime();
  try {
    writeFileSync(join(dir, 'ca.pem'), tls.cert);
    const { webpush } = validateConfig({ webpush: { max_origins: 2, ca_file: join(dir, 'ca.pem'), vapid_key_file: join(dir, 'vapid.pem') } });
    const pool = startWebPushPool(webpush, 64, runtime)!;
    try {
      const pushTo = async (sim: typeof a) => {
        const sub = sim!.createSubscription();
        const outcome = await pool.send({ service: 'webpush', device_id: sub.endpoint, keys: sub.keys, mode: 'prod', alert: { title: 't', body: 'b' } });
        assert.equal(outcome.ok, true, JSON.stringify(outcome));
      };
      await pushTo(a);
      await pushTo(b);
      await pushTo(a); // A is now the most recently used
      assert.deepEqual(pool.senders.origins, [origin(b), origin(a)]);
      await pushTo(c);
      assert.deepEqual(pool.senders.origins, [origin(a), origin(c)], 'B, the least recently used, closed to make room for C');
      await eventually(() => pool.stats().connectionStates.length === 2, 'B closed');
      await pushTo(b);
      assert.deepEqual(pool.senders.origins, [origin(c), origin(b)]);
      assert.equal(b!.stats.sessionsOpened, 2, 'B reached again on a new connection');
    } finally {
      await pool.close(100);
    }
  } finally {
    runtime.stop();
    await Promise.all([a, b, c].map((sim) => sim!.close()));
    rmSync(dir, { recursive: true, force: true });
  }
});
