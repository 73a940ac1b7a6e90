/**
 * Two Herald instances on one PostgreSQL, each with its change feed: whichever instance a
 * client's enable and a message reach, the user gets one push per message with a badge that
 * counts every message, and a change through one instance reaches the other's live actor.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type pg from 'pg';
import type { PostgresPool } from '../../src/store/postgres/postgres-pool.js';
import { eventually } from '../support/eventually.js';
import { forSuite } from '../support/for-suite.js';
import { chat, disableIq, enableThrough } from './harness.js';
import { sharedStore, type Instance } from './shared-store-instances.js';

const PUBSUB = 'push.example.net';

const enable = (via: Instance, user: string, node = 'phone'): Promise<void> => enableThrough(via.role, user, PUBSUB, node);

async function allIdle(...instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((i) => i.role.whenIdle()));
}

/** The badges (message-count) of every publish of `instances`, ascending. */
function badges(...instances: Instance[]): number[] {
  return instances.flatMap((i) => i.publisher.publishes.map((p) => Number(p.summary['message-count']))).sort((x, y) => x - y);
}

let sequence = 0;

/** Hands `via` one new message for `user` and waits until it is handled: whether it was pushed. */
async function pushedNow(via: Instance, user: string): Promise<boolean> {
  const before = via.publisher.publishes.length;
  via.role.onMessage(chat(user, 'are you there?', `probe-${++sequence}`));
  await via.role.whenIdle();
  return via.publisher.publishes.length > before;
}

/** New messages through `via`, one at a time, until `done` (told whether the last was pushed). */
async function messagesUntil(via: Instance, user: string, done: (pushed: boolean) => boolean, what: string): Promise<void> {
  await eventually(async () => done(await pushedNow(via, user)), what);
}

describe('two instances on one PostgreSQL', () => {
  const store = forSuite(() => sharedStore());

  test('a user who enabled push through A is pushed by B for a message B gets', async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    await enable(a, 'roaming@example.com');
    b.role.onMessage(chat('roaming@example.com', 'hello', 'roam-1'));
    await b.publisher.waitForPublishes(1);
    await allIdle(a, b);
    assert.deepEqual(b.publisher.publishes.map((p) => [p.to, p.node, p.summary['message-count']]), [[PUBSUB, 'phone', 1]]);
    assert.equal(a.publisher.publishes.length, 0);
  });

  test('the same message handed to both instances is pushed once', async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    await enable(a, 'twice@example.com');
    for (let i = 1; i <= 5; i++) {
      a.role.onMessage(chat('twice@example.com', `message ${i}`, `same-${i}`));
      b.role.onMessage(chat('twice@example.com', `message ${i}`, `same-${i}`));
    }
    await eventually(() => badges(a, b).length >= 5, 'five publishes');
    await allIdle(a, b);
    assert.deepEqual(badges(a, b), [1, 2, 3, 4, 5]);
    assert.equal(a.role.stats.duplicatesSkipped + b.role.stats.duplicatesSkipped, 5);
  });

  test("a message's claim and badge are one write to PostgreSQL", async () => {
    const writes: string[] = [];
    const watched = (pool: PostgresPool): PostgresPool => ({
      ...pool,
      query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
        if (!/^\s*SELECT/.test(text)) writes.push(text);
        return pool.query<R>(text, values);
      },
    });
    const a = await store.instance(watched);
    await enable(a, 'one-write@example.com');
    await allIdle(a);
    writes.length = 0;
    a.role.onMessage(chat('one-write@example.com', 'hello', 'one-write-1'));
    await a.publisher.waitForPublishes(1);
    await allIdle(a);
    assert.equal(a.publisher.publishes[0]!.summary['message-count'], 1);
    assert.equal(writes.length, 1, writes.join('\n'));
  });

  test('messages for one user spread over both instances at once get the badges 1 to N, each once', async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    const total = 40;
    await enable(b, 'busy@example.com');
    for (let i = 1; i <= total; i++) (i % 2 === 0 ? a : b).role.onMessage(chat('busy@example.com', `message ${i}`, `busy-${i}`));
    await eventually(() => badges(a, b).length >= total, `${total} publishes`);
    await allIdle(a, b);
    assert.deepEqual(badges(a, b), Array.from({ length: total }, (_, i) => i + 1));
    assert.ok(a.publisher.publishes.length > 0 && b.publisher.publishes.length > 0, 'both instances pushed');
  });

  test("a disable through A stops the pushes of B's live actor", async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    await enable(a, 'leaving@example.com');
    b.role.onMessage(chat('leaving@example.com', 'still here', 'leave-0'));
    await b.publisher.waitForPublishes(1);
    assert.equal(b.role.isLive('leaving@example.com'), true);
    const reply = await a.role.handleIq(disableIq('leaving@example.com', PUBSUB));
    assert.equal(reply.attrs.type, 'result', reply.toString());
    await messagesUntil(b, 'leaving@example.com', (pushed) => !pushed, 'a message through B that is not pushed');
    assert.equal(b.role.isLive('leaving@example.com'), true, 'the actor read its registrations again, it was not replaced');
    assert.equal(await pushedNow(b, 'leaving@example.com'), false, 'and the next one neither');
  });

  test("an enable through A reaches B's live actor: its next push goes to both devices", async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    await enable(a, 'second-phone@example.com', 'phone');
    b.role.onMessage(chat('second-phone@example.com', 'one', 'second-1'));
    await b.publisher.waitForPublishes(1);
    await enable(a, 'second-phone@example.com', 'tablet');
    await messagesUntil(b, 'second-phone@example.com', () => b.publisher.publishes.some((p) => p.node === 'tablet'), 'a push to the tablet through B');
    assert.equal(b.role.isLive('second-phone@example.com'), true);
  });

  test('an enable is answered only once another pool can read it, with or without a live actor', async () => {
    const [a] = [await store.instance()];
    const reader = await store.reader();
    for (let i = 0; i < 10; i++) {
      const user = `durable-${i}@example.com`;
      await enable(a, user, 'first');
      assert.equal(await reader.has(user, PUBSUB, 'first'), true, `${user}'s enable without an actor`);
      a.role.onMessage(chat(user, 'wake up', `durable-${i}`));
      await a.role.whenIdle();
      assert.equal(a.role.isLive(user), true);
      await enable(a, user, 'second');
      assert.equal(await reader.has(user, PUBSUB, 'second'), true, `${user}'s enable through its actor`);
    }
  });
});
