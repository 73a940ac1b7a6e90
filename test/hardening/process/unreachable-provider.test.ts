/**
 * A provider Herald cannot connect to (down, refused, or no descriptor for a socket): while its
 * connection waits out the reconnect backoff, a push is answered unable_to_connect at once
 * instead of waiting up to 30 s per attempt; the connection keeps trying, and once the provider
 * is back a push is delivered again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateLocalhostPair } from '../../../src/core/tls.js';
import { startActorRuntime } from '../../../src/actors/index.js';
import { validateConfig } from '../../../src/core/config/load.js';
import { startApnsPool } from '../../../src/push-service/pools/apns-pool.js';
import { apnsTestPool, tokenAuth } from '../../push-service/pools/test-pools.js';
import { startApnsSimulator } from '../../../src/simulators/apns/index.js';
import { alertTo, apnsKeyPair, deviceToken, KEY_ID, TEAM_ID } from './harness.js';
import { eventually } from '../../support/eventually.js';

test('while its only connection cannot connect, a push is answered unable_to_connect without waiting out the backoff, and delivered once the provider is back', { timeout: 60_000 }, async () => {
  const keys = apnsKeyPair();
  const tls = await generateLocalhostPair(); // the same certificate before and after the outage
  const first = await startApnsSimulator({ teamId: TEAM_ID, keys: { [KEY_ID]: keys.publicKeyPem }, tls });
  const { port, url, ca } = first;
  await first.close(); // nothing listens there now
  const config = validateConfig({
    apns: {
      team_id: TEAM_ID,
      key_id: KEY_ID,
      connections: 1,
      sender_threads: 0,
      // A backoff longer than a push may be held (retry_after_max_ms): waiting it out is not an option.
      reconnect: { backoff_ms: 4_000, max_ms: 30_000 },
      retry_after_max_ms: 1_000,
    },
  });
  const runtime = startActorRuntime();
  const pool = apnsTestPool(config.apns, { endpoint: url, ca, auth: tokenAuth(config.apns, keys.privateKeyPem) });
  const service = await startApnsPool(pool, config.actors.sender_mailbox_capacity, runtime);
  const connection = () => service.senderStats().senders[0]!.connection;
  let back: Awaited<ReturnType<typeof startApnsSimulator>> | undefined;
  try {
    // The first push tries (refused) and ends as soon as the next try is further away than it may be held.
    assert.deepEqual(await service.send(alertTo(deviceToken())), { ok: false, reason: 'unable_to_connect' });
    assert.equal(connection().state, 'backoff', 'answered before the backoff ended');
    const opened = connection().sessionsOpened;

    // The next ones are answered at once: no session, no mailbox.
    for (let i = 0; i < 3; i++) assert.deepEqual(await service.send(alertTo(deviceToken())), { ok: false, reason: 'unable_to_connect' });
    assert.equal(connection().sessionsOpened, opened, 'no attempt made for them');
    assert.equal(connection().state, 'backoff');
    assert.equal(service.senderStats().counters.rejected.unable_to_connect, 4);
    assert.equal(service.senderStats().outstanding, 0);

    back = await startApnsSimulator({ teamId: TEAM_ID, keys: { [KEY_ID]: keys.publicKeyPem }, port, tls });
    const token = deviceToken();
    await eventually(async () => (await service.send(alertTo(token))).ok, 'a push delivered once APNS is back', 30_000, 100);
    assert.equal(back.attempts(token), 1);
  } finally {
    await service.close(0);
    runtime.stop();
    await back?.close();
  }
});
