/**
 * Enables and disables of users with no live actor are written without spawning one
 * (pending-registrations.ts); these are the behaviours that must still hold: order per user,
 * the quota, durability before the answer, refusals of a full store, one commit per batch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Element } from '@xmpp/xml';
import { RegistrationStore } from '../../src/xmpp-server/registration-store.js';
import type { Registration } from '../../src/xmpp-server/registration.js';
import { Harness, assertStanzaError, chat, disableIq, enableIq } from './harness.js';
import { eventually } from '../support/eventually.js';

const ROMEO = 'romeo@example.com';
const PUBSUB = 'push.example.net';

test('enables of users without a live actor spawn none and are durable when answered', async () => {
  const h = new Harness();
  try {
    const users = Array.from({ length: 50 }, (_, i) => `user${i}@example.com`);
    const replies = await Promise.all(users.map((u) => h.role.handleIq(enableIq(u, PUBSUB, `n-${u}`))));
    assert.ok(replies.every((r) => r.attrs.type === 'result'));
    assert.equal(h.role.liveUsers, 0);
    for (const u of users) assert.deepEqual((await h.role.registrations(u)).map((r) => r.node), [`n-${u}`]);
  } finally {
    await h.dispose();
  }
});

test('enables issued together are made durable in one commit', async () => {
  const h = new Harness();
  try {
    await h.enable(ROMEO, PUBSUB, 'first'); // lmdb-js commits the store's first batch in two transactions
    const before = h.role.storeCommitCount;
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => h.role.handleIq(enableIq(`u${i}@example.com`, PUBSUB, 'n'))));
    assert.ok(replies.every((r) => r.attrs.type === 'result'));
    assert.equal(h.role.storeCommitCount - before, 1);
  } finally {
    await h.dispose();
  }
});

test('an enable followed at once by a message to that user pushes to the new registration', async () => {
  const h = new Harness();
  try {
    const reply = h.role.handleIq(enableIq(ROMEO, PUBSUB, 'fresh', { device_id: 'F' }));
    h.role.onMessage(chat(ROMEO, 'right after the enable'));
    const publishes = await h.publisher.waitForPublishes(1);
    assert.deepEqual(publishes.map((p) => [p.node, p.publishOptions.device_id]), [['fresh', 'F']]);
    assert.equal((await reply).attrs.type, 'result');
  } finally {
    await h.dispose();
  }
});

test('a disable right after an enable wins, and both are answered with a result', async () => {
  const h = new Harness();
  try {
    const enabled = h.role.handleIq(enableIq(ROMEO, PUBSUB, 'n'));
    const disabled = h.role.handleIq(disableIq(ROMEO, PUBSUB, 'n'));
    assert.equal((await enabled).attrs.type, 'result');
    assert.equal((await disabled).attrs.type, 'result');
    assert.deepEqual(await h.role.registrations(ROMEO), []);
    h.role.onMessage(chat(ROMEO, 'after the disable'));
    h.role.onMessage(chat('juliet@example.com', 'a user without push'));
    assert.equal(h.role.liveUsers, 0, 'no actor for users left without registrations');
  } finally {
    await h.dispose();
  }
});

test('a disable without node right after enables removes the ones still in flight', async () => {
  const h = new Harness();
  try {
    await h.enable(ROMEO, PUBSUB, 'old');
    const replies = await Promise.all([
      h.role.handleIq(enableIq(ROMEO, PUBSUB, 'a')),
      h.role.handleIq(enableIq(ROMEO, 'other.example.net', 'b')),
      h.role.handleIq(disableIq(ROMEO, PUBSUB)),
    ]);
    assert.ok(replies.every((r) => r.attrs.type === 'result'));
    assert.deepEqual((await h.role.registrations(ROMEO)).map((r) => r.node), ['b']);
  } finally {
    await h.dispose();
  }
});

test('enable, message, disable in a row: the message is pushed to the registration, then it is gone', async () => {
  const h = new Harness();
  try {
    const enabled = h.role.handleIq(enableIq(ROMEO, PUBSUB, 'n'));
    h.role.onMessage(chat(ROMEO, 'between'));
    const disabled = h.role.handleIq(disableIq(ROMEO, PUBSUB, 'n'));
    assert.equal((await enabled).attrs.type, 'result');
    assert.equal((await disabled).attrs.type, 'result');
    assert.deepEqual(h.publisher.publishes.map((p) => p.node), ['n']);
    assert.deepEqual(await h.role.registrations(ROMEO), []);
  } finally {
    await h.dispose();
  }
});

test('the per-account limit counts registrations still in flight', async () => {
  const h = new Harness({ xmppServer: { max_registrations_per_user: 2 } });
  try {
    const replies = await Promise.all(['a', 'b', 'c'].map((node) => h.role.handleIq(enableIq(ROMEO, PUBSUB, node))));
    assert.deepEqual(replies.slice(0, 2).map((r) => r.attrs.type), ['result', 'result']);
    assertStanzaError(replies[2]!, 'cancel', 'policy-violation');
    // Re-enabling one of them only replaces it: no limit applies.
    const again = await h.role.handleIq(enableIq(ROMEO, PUBSUB, 'a', { device_id: 'A2' }));
    assert.equal(again.attrs.type, 'result');
    assert.deepEqual((await h.role.registrations(ROMEO)).map((r) => [r.node, r.publishOptions.device_id]), [['a', 'A2'], ['b', undefined]]);
  } finally {
    await h.dispose();
  }
});

test("a user's changes in flight are bounded by actors.mailbox_capacity: beyond it, wait/resource-constraint", async () => {
  const h = new Harness({ actors: { mailbox_capacity: 2 } });
  try {
    const replies = await Promise.all(['a', 'b', 'c'].map((node) => h.role.handleIq(enableIq(ROMEO, PUBSUB, node))));
    assert.deepEqual(replies.slice(0, 2).map((r) => r.attrs.type), ['result', 'result']);
    assertStanzaError(replies[2]!, 'wait', 'resource-constraint');
    assert.equal((await h.role.handleIq(enableIq(ROMEO, PUBSUB, 'c'))).attrs.type, 'result');
  } finally {
    await h.dispose();
  }
});

test('a store filling up mid-batch refuses the enables it cannot hold, crashes nothing and keeps every accepted one', async () => {
  const h = new Harness({ storeMib: 1, xmppServer: { max_registrations_per_user: 1_000 } });
  try {
    const secret = 's'.repeat(900); // ~1 KiB per registration
    const replies: Array<Promise<{ user: string; node: string; reply: Element }>> = [];
    // 40 turns of 50 enables each, issued without waiting for answers: the store fills between turns.
    for (let turn = 0; turn < 40; turn++) {
      for (let j = 0; j < 50; j++) {
        const user = `user${j % 10}@example.com`;
        const node = `n-${turn}-${j}`;
        replies.push(h.role.handleIq(enableIq(user, PUBSUB, node, { secret })).then((reply) => ({ user, node, reply })));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const answers = await Promise.all(replies);
    const accepted = answers.filter((a) => a.reply.attrs.type === 'result');
    const refused = answers.filter((a) => a.reply.attrs.type !== 'result');
    assert.ok(accepted.length > 100, `${accepted.length} accepted`);
    assert.ok(refused.length > 0, 'the store filled up');
    for (const { reply } of refused) assertStanzaError(reply, 'wait', 'resource-constraint');
    assert.equal(h.role.stats.actorCrashes, 0);
    for (let j = 0; j < 10; j++) {
      const user = `user${j}@example.com`;
      const stored = (await h.role.registrations(user)).map((r) => r.node).sort();
      const expected = accepted.filter((a) => a.user === user).map((a) => a.node).sort();
      assert.deepEqual(stored, expected, user);
    }
    // Still answering: a disable frees room and is a result.
    const freed = accepted[0]!;
    assert.equal((await h.role.handleIq(disableIq(freed.user, PUBSUB, freed.node))).attrs.type, 'result');
  } finally {
    await h.dispose();
  }
});

/** Removals wait for `gate`; the put after `failNextPut` fails. */
class GatedRemovals extends RegistrationStore {
  gate: Promise<void> | undefined;
  failNextPut = false;
  override async remove(user: string, pubsubJid: string, node: string): Promise<void> {
    await super.remove(user, pubsubJid, node);
    await this.gate;
  }
  override async put(user: string, registration: Registration): Promise<void> {
    if (this.failNextPut) {
      this.failNextPut = false;
      throw new Error('disk on fire');
    }
    return super.put(user, registration);
  }
}

test('a failed enable no longer counts against the limit for the changes after it', async () => {
  let store!: GatedRemovals;
  const h = new Harness({ xmppServer: { max_registrations_per_user: 2 }, registrationStore: (s) => (store = new GatedRemovals(s)) });
  try {
    await h.enable(ROMEO, PUBSUB, 'a');
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    // A disable held in flight keeps the user's pending changes open across the next ones.
    const held = h.role.handleIq(disableIq(ROMEO, PUBSUB, 'unknown'));
    store.failNextPut = true;
    assertStanzaError(await h.role.handleIq(enableIq(ROMEO, PUBSUB, 'broken')), 'wait', 'internal-server-error');
    const next = h.role.handleIq(enableIq(ROMEO, PUBSUB, 'b'));
    open();
    assert.equal((await held).attrs.type, 'result');
    assert.equal((await next).attrs.type, 'result');
    assert.deepEqual((await h.role.registrations(ROMEO)).map((r) => r.node), ['a', 'b']);
  } finally {
    await h.dispose();
  }
});

test('an actor spawned while changes are in flight reads LMDB only once they are durable', async () => {
  let store!: GatedRemovals;
  const h = new Harness({ registrationStore: (s) => (store = new GatedRemovals(s)) });
  try {
    await h.enable(ROMEO, PUBSUB, 'a');
    await h.enable(ROMEO, PUBSUB, 'b');
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const disabled = h.role.handleIq(disableIq(ROMEO, PUBSUB, 'a'));
    h.role.onMessage(chat(ROMEO, 'while the disable is in flight'));
    await eventually(() => h.role.isLive(ROMEO), 'the actor spawned', 3_000);
    // A change arriving now queues in the live actor's mailbox, behind the message.
    const enabled = h.role.handleIq(enableIq(ROMEO, PUBSUB, 'c'));
    assert.equal(h.publisher.publishes.length, 0, 'no push before the disable is durable');
    open();
    assert.equal((await disabled).attrs.type, 'result');
    assert.equal((await enabled).attrs.type, 'result');
    await eventually(() => h.role.stats.publishesOk === 1, 'the push', 3_000);
    assert.deepEqual(h.publisher.publishes.map((p) => p.node), ['b']);
    assert.deepEqual((await h.role.registrations(ROMEO)).map((r) => r.node), ['b', 'c']);
  } finally {
    await h.dispose();
  }
});

test("a user's messages reach the actor in arrival order while the store answers their push decisions out of order", async () => {
  // The store's reads answer later and in reverse, as PostgreSQL's pooled connections may.
  const held: Array<() => void> = [];
  const h = new Harness({
    registrationStore: (store) => {
      const registrations = new RegistrationStore(store);
      const read = registrations.hasAny.bind(registrations);
      registrations.hasAny = ((user: string) => new Promise<boolean>((resolve) => held.push(() => resolve(read(user))))) as never;
      return registrations;
    },
  });
  try {
    await h.enable(ROMEO, PUBSUB, 'phone');
    assert.equal(h.role.liveUsers, 0, 'no actor: each message must ask the store');
    for (const [i, body] of ['one', 'two', 'three'].entries()) h.role.onMessage(chat(ROMEO, body, `m${i}`));
    await eventually(() => held.length >= 1, 'the first decision waiting for the store');
    // Answer every read there is, the latest first, until no decision waits.
    await eventually(() => {
      for (const answer of held.splice(0).reverse()) answer();
      return h.publisher.publishes.length === 3;
    }, 'three publishes');
    assert.deepEqual(
      h.publisher.publishes.map((p) => p.summary['last-message-body']),
      ['one', 'two', 'three'],
    );
  } finally {
    await h.dispose();
  }
});
