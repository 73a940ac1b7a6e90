/**
 * What the role does with a change notice (store/change-feed.ts): the live actor of the user it
 * names reads its registrations again before its next message; a notice that changes may have
 * been missed does that for every live actor; no actor is spawned for one. Here the "other
 * instance" writes the LMDB store behind the role's back and a hand-driven feed delivers the
 * notices (shared-store.test.ts has the same over PostgreSQL's real feed).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CachedTable, ChangeFeed, ChangeListener } from '../../src/store/change-feed.js';
import { eventually } from '../support/eventually.js';
import { Harness, chat } from './harness.js';

const PUBSUB = 'push.example.net';
const USERS = ['romeo@example.com', 'juliet@example.com'];
const MAILBOX = 4;
const IN_FLIGHT = 1;

/** A feed the test drives: `notify` is what PostgreSQL's LISTEN would deliver. */
class HandFeed implements ChangeFeed {
  readonly listeners = new Set<ChangeListener>();
  subscribe(table: CachedTable, listener: ChangeListener): () => void {
    assert.equal(table, 'xmpp_server_registrations');
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  notify(key: string | undefined): void {
    for (const listener of this.listeners) listener(key);
  }
}

describe('change notices from other instances', () => {
  let feed: HandFeed;
  let h: Harness;
  let sequence = 0;

  /** The nodes one new message for `user` is published to, once the role is idle. */
  async function pushedNodes(user: string): Promise<string[]> {
    const before = h.publisher.publishes.length;
    h.role.onMessage(chat(user, 'hello', `m${++sequence}`));
    await h.role.whenIdle();
    return h.publisher.publishes.slice(before).map((p) => p.node).sort();
  }

  /** Makes every user's actor live, then adds a tablet behind the role's back. */
  async function tabletsAddedElsewhere(): Promise<void> {
    for (const user of USERS) {
      assert.deepEqual(await pushedNodes(user), ['phone']);
      await h.registrationStore.put(user, { pubsubJid: PUBSUB, node: 'tablet', publishOptions: {}, createdAt: 1 });
      assert.deepEqual(await pushedNodes(user), ['phone'], 'the live actor has not seen the change yet');
    }
  }

  beforeEach(async () => {
    feed = new HandFeed();
    h = new Harness({ changes: feed, actors: { mailbox_capacity: MAILBOX }, xmppServer: { max_publishes_in_flight_per_user: IN_FLIGHT } });
    for (const user of USERS) await h.enable(user, PUBSUB, 'phone');
  });
  afterEach(() => h.dispose());

  test("a notice naming a user has that user's live actor read its registrations again", async () => {
    await tabletsAddedElsewhere();
    feed.notify(USERS[0]);
    assert.deepEqual(await pushedNodes(USERS[0]!), ['phone', 'tablet']);
    assert.deepEqual(await pushedNodes(USERS[1]!), ['phone'], 'the other user was not named');
  });

  test('a notice that changes may have been missed has every live actor read again', async () => {
    await tabletsAddedElsewhere();
    feed.notify(undefined);
    for (const user of USERS) assert.deepEqual(await pushedNodes(user), ['phone', 'tablet']);
  });

  test('a notice reaches an actor whose mailbox is full: it reads again before its next message', async () => {
    await tabletsAddedElsewhere();
    const user = USERS[0]!;
    // Publishes that hang hold the actor (max_publishes_in_flight_per_user) while messages fill its mailbox.
    const held: Array<() => void> = [];
    h.publisher.answer = () => new Promise((resolve) => held.push(() => resolve({ ok: true })));
    for (let i = 0; i < MAILBOX + IN_FLIGHT + 4; i++) h.role.onMessage(chat(user, 'flood', `f${i}`));
    await eventually(() => h.role.stats.pushesDropped > 0, 'the mailbox is full');
    feed.notify(user);
    h.publisher.answer = () => ({ ok: true });
    await eventually(() => {
      for (const release of held.splice(0)) release();
      return h.role.idle;
    }, 'the flood is published');
    assert.deepEqual(await pushedNodes(user), ['phone', 'tablet']);
  });

  test('a notice for a user without a live actor spawns none', async () => {
    feed.notify('nobody@example.com');
    feed.notify(undefined);
    await h.role.whenIdle();
    assert.equal(h.role.liveUsers, 0);
  });

  test('a closed role no longer listens', async () => {
    assert.equal(feed.listeners.size, 1);
    await h.role.close();
    assert.equal(feed.listeners.size, 0);
  });
});
