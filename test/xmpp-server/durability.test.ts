import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PublishResult } from '../../src/xmpp-server/publisher.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { RegistrationStore } from '../../src/xmpp-server/registration-store.js';
import type { Registration } from '../../src/xmpp-server/registration.js';
import { Harness, assertStanzaError, chat, enableIq } from './harness.js';
import { eventually } from '../support/eventually.js';

const ROMEO = 'romeo@example.com';

test('registrations and the unread count survive a restart of store and role', async () => {
  const h = new Harness();
  try {
    await h.enable(ROMEO, 'push.example.net', 'a', { service: 'apns', device_id: 'A' });
    await h.enable(ROMEO, 'push.example.net', 'b', { service: 'fcm', device_id: 'B' });
    h.role.onMessage(chat(ROMEO, 'before', 'm1'));
    await h.publisher.waitForPublishes(2);

    await h.stop();
    h.open();

    assert.deepEqual(
      (await h.role.registrations(ROMEO)).map((r) => [r.node, r.publishOptions.device_id]),
      [
        ['a', 'A'],
        ['b', 'B'],
      ],
    );
    h.role.onMessage(chat(ROMEO, 'after', 'm2'));
    const publishes = await h.publisher.waitForPublishes(4);
    assert.deepEqual(
      publishes.slice(2).map((p) => [p.node, p.summary['message-count']]),
      [
        ['a', 2],
        ['b', 2],
      ],
    );
  } finally {
    await h.dispose();
  }
});

test('a passivated user actor reloads its registrations and unread count from LMDB', async () => {
  const h = new Harness({ actors: { passivate_after_ms: 20 } });
  try {
    await h.enable(ROMEO, 'push.example.net', 'a', { device_id: 'A' });
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await h.publisher.waitForPublishes(1);
    await eventually(() => h.role.stats.publishesOk === 1, 'the publish answer', 3_000);
    await eventually(() => h.role.liveUsers === 0, 'passivation', 3_000);
    h.role.onMessage(chat(ROMEO, 'two', 'm2'));
    const publishes = await h.publisher.waitForPublishes(2);
    assert.equal(publishes[1]!.summary['message-count'], 2);
  } finally {
    await h.dispose();
  }
});

/** Fails the next put by throwing inside the user actor's handler. */
class FaultyStore extends RegistrationStore {
  failNextPut = false;
  override async put(user: string, registration: Registration): Promise<void> {
    if (this.failNextPut) {
      this.failNextPut = false;
      throw new Error('disk on fire');
    }
    return super.put(user, registration);
  }
}

test('a crash in the user actor loses no registration: the actor is rebuilt from LMDB', async () => {
  let store!: FaultyStore;
  const h = new Harness({ registrationStore: (s) => (store = new FaultyStore(s)) });
  try {
    await h.enable(ROMEO, 'push.example.net', 'a', { device_id: 'A' });
    await h.enable(ROMEO, 'push.example.net', 'b', { device_id: 'B' });
    // A message makes the user's actor live: the next enable goes through its mailbox.
    h.role.onMessage(chat(ROMEO, 'before the crash', 'm1'));
    await h.publisher.waitForPublishes(2);
    assert.equal(h.role.isLive(ROMEO), true);
    store.failNextPut = true;
    const reply = await h.role.handleIq(enableIq(ROMEO, 'push.example.net', 'c'));
    assertStanzaError(reply, 'wait', 'internal-server-error');
    assert.equal(h.role.stats.actorCrashes, 1);

    h.role.onMessage(chat(ROMEO, 'after the crash', 'm2'));
    const publishes = await h.publisher.waitForPublishes(4);
    assert.deepEqual(publishes.slice(2).map((p) => p.node).sort(), ['a', 'b']);
    assert.deepEqual(
      (await h.role.registrations(ROMEO)).map((r) => r.node),
      ['a', 'b'],
    );
  } finally {
    await h.dispose();
  }
});

test('a failed write of a user without a live actor answers internal-server-error and loses nothing', async () => {
  let store!: FaultyStore;
  const h = new Harness({ registrationStore: (s) => (store = new FaultyStore(s)) });
  try {
    await h.enable(ROMEO, 'push.example.net', 'a', { device_id: 'A' });
    assert.equal(h.role.isLive(ROMEO), false);
    store.failNextPut = true;
    const reply = await h.role.handleIq(enableIq(ROMEO, 'push.example.net', 'c'));
    assertStanzaError(reply, 'wait', 'internal-server-error');

    h.role.onMessage(chat(ROMEO, 'after the failure'));
    const publishes = await h.publisher.waitForPublishes(1);
    assert.deepEqual(publishes.map((p) => p.node), ['a']);
    assert.deepEqual((await h.role.registrations(ROMEO)).map((r) => r.node), ['a']);
  } finally {
    await h.dispose();
  }
});

test('a full user mailbox answers wait/resource-constraint and drops pushes with a count', async () => {
  const h = new Harness({
    actors: { mailbox_capacity: 1 },
    xmppServer: { max_publishes_in_flight_per_user: 1 },
  });
  const release: Array<() => void> = [];
  try {
    await h.enable(ROMEO, 'push.example.net', 'a', { device_id: 'A' });
    h.publisher.answer = () => new Promise<PublishResult>((resolve) => release.push(() => resolve({ ok: true })));
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await h.publisher.waitForPublishes(1); // the window is now full
    h.role.onMessage(chat(ROMEO, 'two', 'm2')); // taken by the actor, which waits for a free slot
    h.role.onMessage(chat(ROMEO, 'three', 'm3')); // fills the mailbox (or is dropped)

    const reply = await h.role.handleIq(enableIq(ROMEO, 'push.example.net', 'b'));
    assertStanzaError(reply, 'wait', 'resource-constraint');
    h.role.onMessage(chat(ROMEO, 'four', 'm4'));
    assert.ok(h.role.stats.pushesDropped >= 1);
  } finally {
    h.publisher.answer = () => ({ ok: true });
    while (release.length > 0) release.shift()!();
    const drained = h.dispose();
    // Publishes started while draining answer through the double's new answer.
    await drained;
  }
});

test('a user actor evicted by the live cap while its publish is in flight still acts on the answer', async () => {
  const h = new Harness({ actors: { max_live_actors: 1 } });
  try {
    await h.enable(ROMEO, 'push.example.net', 'a', { device_id: 'A' });
    let refuse!: (result: PublishResult) => void;
    h.publisher.answer = () => new Promise<PublishResult>((resolve) => (refuse = resolve));
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await h.publisher.waitForPublishes(1);
    // Another user's enable takes the only live slot: Romeo's actor is idle (its publish is
    // pipelined, not awaited) and is stopped.
    h.publisher.answer = () => ({ ok: true });
    await h.enable('juliet@example.com', 'push.example.net', 'j', { device_id: 'J' });
    await eventually(() => h.role.liveUsers === 1, 'eviction', 3_000);
    // The App Server refuses Romeo's publish for good: the refusal reaches a fresh actor,
    // which disables the registration it loaded from LMDB.
    refuse({ ok: false, error: new StanzaError('item-not-found', 'cancel') });
    await eventually(() => h.role.stats.registrationsDisabled === 1, 'the registration disabled', 3_000);
    assert.deepEqual(await h.role.registrations(ROMEO), []);
    assert.equal((await h.role.registrations('juliet@example.com')).length, 1);
  } finally {
    await h.dispose();
  }
});
