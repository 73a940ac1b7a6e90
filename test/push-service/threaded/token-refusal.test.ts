/**
 * Apple refuses the provider token a sender thread sent (ExpiredProviderToken: Herald's clock is
 * behind Apple's). The thread cannot mint (the main thread holds the key's one token source: a
 * token per thread would be refused as TooManyProviderTokenUpdates), so the refusal goes to the
 * main thread's source, which replaces the token once, and the notification is resent with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_TOKEN_UPDATE_INTERVAL_MS } from '../../../src/push-service/apns/jwt.js';
import { alert, startThreadedPool, TOKEN } from './thread-rig.js';

const START_MS = 1_700_000_000_000;
/** Apple's clock runs this far ahead: the token Herald holds as 35 min old, Apple holds as 61 min old. */
const AHEAD_MS = 26 * 60_000;

for (const threads of [1, 2]) {
  test(`a notification on ${threads} sender thread(s) whose token Apple refuses as expired is resent with a token minted once on the main thread`, async () => {
    let now = START_MS;
    let appleNow = START_MS;
    const { sim, service, tokens } = await startThreadedPool({ sender_threads: threads, connections: threads }, 64, {}, { herald: () => now, apple: () => appleNow });
    try {
      assert.equal((await service.send(alert(TOKEN))).ok, true);
      now += 35 * 60_000;
      appleNow = now + AHEAD_MS;
      assert.ok(35 * 60_000 >= MIN_TOKEN_UPDATE_INTERVAL_MS, 'old enough to be replaced');
      const outcomes = await Promise.all([1, 2, 3, 4, 5, 6].map(() => service.send(alert(TOKEN))));
      assert.deepEqual(outcomes.map((o) => o.ok), [true, true, true, true, true, true], JSON.stringify(outcomes));
      assert.equal(tokens.minted, 2, 'one new token for every refusal of the old one');
      assert.equal(sim.stats.jwtsSeen, 2);
      assert.deepEqual(Object.keys(sim.stats.rejectedByReason), ['ExpiredProviderToken']);
    } finally {
      await service.close();
      await sim.close();
    }
  });
}
