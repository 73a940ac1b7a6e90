/**
 * The behaviour every RegistrationBackend owes the XMPP Server role, as one suite that each
 * backend's test file runs on its own store (lmdb-js and Pushy parameterise theirs the same way):
 * what is stored comes back, in the same order, with the same counts, and after a reopen.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistrationBackend } from '../../src/xmpp-server/registration-backend.js';
import type { Registration } from '../../src/xmpp-server/registration.js';
import { forSuite } from '../support/for-suite.js';
import type { BackendFixture } from './backend-fixture.js';

/** A registration on `pubsubJid`/`node` with publish-options that tell it apart. */
export function registration(pubsubJid: string, node: string, createdAt = 1_700_000_000_000): Registration {
  return { pubsubJid, node, publishOptions: { secret: `s-${node}`, endpoint: `https://push.example/${node}` }, createdAt };
}

/** Increments issued all at once, without waiting for any: the concurrent case the counter must survive. */
export function incrementsAtOnce(backends: RegistrationBackend[], user: string, total: number): Promise<number[]> {
  return Promise.all(Array.from({ length: total }, (_, i) => backends[i % backends.length]!.incrementUnread(user)));
}

const APP = 'push.example.com';
const OTHER_APP = 'push.other.example';

/** The same suite on `start`'s backend, named "`name` registration backend". */
export function registrationBackendContract(name: string, start: () => Promise<BackendFixture<RegistrationBackend>>): void {
  describe(`${name} registration backend`, () => {
    const t = forSuite(start);

    test('a stored registration is listed with its publish-options and creation time', async () => {
      await t.backend.put('stored@example.com', registration(APP, 'n1', 42));
      assert.deepEqual(await t.backend.listFor('stored@example.com'), [registration(APP, 'n1', 42)]);
      assert.equal(await t.backend.has('stored@example.com', APP, 'n1'), true);
    });

    test('storing the same (pubsub JID, node) again replaces the registration', async () => {
      const again = { ...registration(APP, 'n1', 2), publishOptions: { secret: 'new' } };
      await t.backend.put('replaced@example.com', registration(APP, 'n1', 1));
      await t.backend.put('replaced@example.com', again);
      assert.deepEqual(await t.backend.listFor('replaced@example.com'), [again]);
      assert.equal(await t.backend.countFor('replaced@example.com'), 1);
    });

    test('listFor orders by pubsub JID then node in code point order, and holds only that user', async () => {
      const user = 'ordered@example.com';
      for (const [jid, node] of [[OTHER_APP, 'b'], [APP, 'node9'], [APP, 'Node'], [APP, 'node10'], [OTHER_APP, 'a'], [APP, 'é']] as const) {
        await t.backend.put(user, registration(jid, node));
      }
      // Users whose JIDs start like this one's must not leak into its list.
      await t.backend.put('ordered@example.com.evil', registration(APP, 'x'));
      await t.backend.put('ordered@example.co', registration(APP, 'y'));
      const listed = (await t.backend.listFor(user)).map((r) => `${r.pubsubJid} ${r.node}`);
      assert.deepEqual(listed, [`${APP} Node`, `${APP} node10`, `${APP} node9`, `${APP} é`, `${OTHER_APP} a`, `${OTHER_APP} b`]);
    });

    test('a user without registrations lists none, counts 0 and has none', async () => {
      assert.deepEqual(await t.backend.listFor('nobody@example.com'), []);
      assert.equal(await t.backend.countFor('nobody@example.com'), 0);
      assert.equal(await t.backend.has('nobody@example.com', APP, 'n1'), false);
      assert.deepEqual(await t.backend.nodesOn('nobody@example.com', APP), []);
    });

    test('remove removes that registration only, and removing one that is not there succeeds', async () => {
      const user = 'removed@example.com';
      await t.backend.put(user, registration(APP, 'gone'));
      await t.backend.put(user, registration(APP, 'kept'));
      await t.backend.remove(user, APP, 'gone');
      await t.backend.remove(user, APP, 'gone');
      await t.backend.remove(user, OTHER_APP, 'kept');
      assert.equal(await t.backend.has(user, APP, 'gone'), false);
      assert.deepEqual(await t.backend.listFor(user), [registration(APP, 'kept')]);
    });

    test("removeAllOn removes the user's registrations on one pubsub service and counts them", async () => {
      const user = 'disabled@example.com';
      for (const node of ['a', 'b', 'c']) await t.backend.put(user, registration(APP, node));
      await t.backend.put(user, registration(OTHER_APP, 'a'));
      await t.backend.put('neighbour@example.com', registration(APP, 'a'));
      assert.equal(await t.backend.removeAllOn(user, APP), 3);
      assert.equal(await t.backend.removeAllOn(user, APP), 0);
      assert.deepEqual((await t.backend.listFor(user)).map((r) => r.pubsubJid), [OTHER_APP]);
      assert.equal(await t.backend.countFor('neighbour@example.com'), 1);
    });

    test('nodesOn lists the nodes on one pubsub service in code point order', async () => {
      const user = 'nodes@example.com';
      for (const node of ['n2', 'N1', 'n10']) await t.backend.put(user, registration(APP, node));
      await t.backend.put(user, registration(OTHER_APP, 'elsewhere'));
      assert.deepEqual(await t.backend.nodesOn(user, APP), ['N1', 'n10', 'n2']);
    });

    test('hasAny tells a user with registrations from one without, whatever the service', async () => {
      await t.backend.put('any@example.com', registration(OTHER_APP, 'n1'));
      await t.backend.put('any@example.com.evil', registration(APP, 'n1'));
      assert.equal(await t.backend.hasAny('any@example.com'), true);
      assert.equal(await t.backend.hasAny('any@example.co'), false);
      await t.backend.removeAllOn('any@example.com', OTHER_APP);
      assert.equal(await t.backend.hasAny('any@example.com'), false);
    });

    test('countFor counts every registration of the user across services', async () => {
      const user = 'counted@example.com';
      await t.backend.put(user, registration(APP, 'a'));
      await t.backend.put(user, registration(APP, 'b'));
      await t.backend.put(user, registration(OTHER_APP, 'a'));
      assert.equal(await t.backend.countFor(user), 3);
    });

    test('the unread counter starts at 0, counts up one per increment and is reset to 0', async () => {
      const user = 'badge@example.com';
      assert.equal(await t.backend.unreadCount(user), 0);
      assert.equal(await t.backend.incrementUnread(user), 1);
      assert.equal(await t.backend.incrementUnread(user), 2);
      assert.equal(await t.backend.unreadCount(user), 2);
      await t.backend.resetUnread(user);
      assert.equal(await t.backend.unreadCount(user), 0);
      assert.equal(await t.backend.incrementUnread(user), 1);
      assert.equal(await t.backend.unreadCount('other-badge@example.com'), 0);
    });

    test('increments issued at once are all counted, each answered with its own count', async () => {
      const counts = await incrementsAtOnce([t.backend], 'busy@example.com', 100);
      assert.deepEqual([...counts].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i + 1));
      assert.equal(await t.backend.unreadCount('busy@example.com'), 100);
    });

    test("an increment told the last count counts on from it where the caller is the only writer, and a shared store ignores it", async () => {
      const user = 'told@example.com';
      assert.equal(await t.backend.incrementUnread(user), 1);
      assert.equal(await t.backend.incrementUnread(user, 1), 2);
      assert.equal(await t.backend.incrementUnread(user, 41), t.backend.sharedAcrossInstances ? 3 : 42);
    });

    test('resetting a counter that was never counted leaves it at 0', async () => {
      await t.backend.resetUnread('never@example.com');
      assert.equal(await t.backend.unreadCount('never@example.com'), 0);
    });

    test("a message's first claim is granted, a second only where no other instance can see it", async () => {
      // Identities as push-policy.ts makes them: NUL-separated.
      const [first, second] = ['id\u0000juliet@example.com/balcony\u0000m1', 'id\u0000juliet@example.com/balcony\u0000m2'];
      assert.equal(await t.backend.claimMessage('claims@example.com', first), true);
      assert.equal(await t.backend.claimMessage('claims@example.com', first), !t.backend.sharedAcrossInstances);
      assert.equal(await t.backend.claimMessage('claims@example.com', second), true);
      assert.equal(await t.backend.claimMessage('other-claims@example.com', first), true);
    });

    test('registrations and counters written before a reopen are there after it', async () => {
      const user = 'restarted@example.com';
      await t.backend.put(user, registration(APP, 'n1', 7));
      await t.backend.put(user, registration(OTHER_APP, 'n2', 8));
      await t.backend.incrementUnread(user);
      await t.backend.incrementUnread(user);
      await t.reopen();
      assert.deepEqual(await t.backend.listFor(user), [registration(APP, 'n1', 7), registration(OTHER_APP, 'n2', 8)]);
      assert.equal(await t.backend.unreadCount(user), 2);
    });
  });
}
