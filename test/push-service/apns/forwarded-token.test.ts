/**
 * The token of a thread that does not hold the key (a sender thread, a shard): Apple's refusals
 * go to the main thread's source, which decides; the resends wait for its answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerRefusal, ForwardedToken } from '../../../src/push-service/apns/forwarded-token.js';
import { ApnsTokenProvider, MIN_TOKEN_UPDATE_INTERVAL_MS } from '../../../src/push-service/apns/jwt.js';
import { apnsKeyPair } from '../../support/keyed-apns-simulator.js';
import { KEY_ID, TEAM_ID } from './harness.js';

/** A main thread's provider and a thread's forwarded token, the answers crossing as on a port (a turn later). */
function rig() {
  let now = 1_700_000_000_000;
  const main = new ApnsTokenProvider({ teamId: TEAM_ID, keyId: KEY_ID, privateKey: apnsKeyPair().privateKeyPem, refreshAfterS: 3000, clock: () => now });
  const reported: string[] = [];
  const thread: ForwardedToken = new ForwardedToken(main.authorization(), (refused) => {
    reported.push(refused);
    setImmediate(() => void answerRefusal(main, refused).then((answer) => thread.answered(answer)));
  });
  return { main, thread, reported, advance: (ms: number) => (now += ms) };
}

describe('a forwarded token refused by Apple', () => {
  it('is reported once for all the requests that carried it, and the resends carry the token the main thread minted', async () => {
    const { main, thread, reported, advance } = rig();
    const refused = thread.authorization();
    advance(MIN_TOKEN_UPDATE_INTERVAL_MS);
    assert.equal(thread.refused(refused), true);
    assert.equal(thread.refused(refused), true);
    const next = await thread.pending();
    assert.notEqual(next, refused);
    assert.equal(next, main.authorization());
    assert.equal(thread.authorization(), next);
    assert.equal(thread.pending(), undefined);
    assert.deepEqual(reported, [refused]);
    assert.equal(main.minted, 2);
    assert.equal(thread.refused(refused), true, 'a late refusal of the old token: resent with the new one, not reported');
    assert.deepEqual(reported, [refused]);
  });

  it('kept by the main thread (younger than 20 minutes), is not resent again', async () => {
    const { main, thread, reported } = rig();
    const refused = thread.authorization();
    assert.equal(thread.refused(refused), true, 'the first resend waits for the answer');
    assert.equal(await thread.pending(), refused);
    assert.equal(thread.refused(refused), false, 'the answer came: kept');
    assert.deepEqual(reported, [refused]);
    assert.equal(main.minted, 1);
  });

  it('a batch carrying the refused token does not end the wait; one carrying a new token does', async () => {
    const thread = new ForwardedToken('bearer one', () => {});
    assert.equal(thread.refused('bearer one'), true);
    const waiting = thread.pending()!;
    thread.relayed('bearer one');
    assert.equal(thread.pending(), waiting);
    thread.relayed('bearer two');
    assert.equal(await waiting, 'bearer two');
    assert.equal(thread.pending(), undefined);
  });

  it('unanswered by the main thread, the resends go on after the wait with the token in hand, and a later refusal reports again', { timeout: 5_000 }, async () => {
    const reported: string[] = [];
    const thread = new ForwardedToken('bearer one', (refused) => reported.push(refused), 20);
    assert.equal(thread.refused('bearer one'), true);
    // The wait's timer does not hold a thread open (unref); a thread at work has its sockets.
    const atWork = setInterval(() => {}, 1_000);
    try {
      assert.equal(await thread.pending(), 'bearer one');
    } finally {
      clearInterval(atWork);
    }
    assert.equal(thread.pending(), undefined);
    assert.equal(thread.refused('bearer one'), true, 'not kept: the main thread never said so');
    assert.deepEqual(reported, ['bearer one', 'bearer one']);
    thread.answered('bearer two');
    assert.equal(thread.authorization(), 'bearer two');
  });
});
