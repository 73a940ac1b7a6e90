/**
 * PostgreSQL writes batched per turn (store/postgres/write-batch.ts), through the XMPP Server's
 * backend on a real PostgreSQL: the writes of one turn share one statement per kind, every caller
 * gets the answer it would have had alone, a key's writes keep their order, and a failed
 * statement fails its own writes only. Statements are counted by a wrapper around the pool's
 * `query`, which is what the batcher sends through.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { PostgresNodes } from '../../src/app-server/postgres-nodes.js';
import { isHeraldError } from '../../src/core/errors.js';
import { storeFailure, type PostgresPool, type WriteBatching } from '../../src/store/postgres/postgres-pool.js';
import { ROLLED_BACK_RETRIES } from '../../src/store/postgres/write-batch.js';
import { PostgresRegistrations } from '../../src/xmpp-server/postgres-registrations.js';
import { forSuite } from '../support/for-suite.js';
import { sharedDatabase } from './postgres-fixture.js';
import { nodeRecord } from './node-backend.contract.js';
import { incrementsAtOnce, registration } from './registration-backend.contract.js';

/**
 * An instance's registrations and nodes on `pool`, counting the statements they send; `events` says when
 * each was sent and answered ("sent INSERT", "answered INSERT", …).
 */
function counted(pool: PostgresPool, batching: WriteBatching = pool.batching) {
  let statements = 0;
  const events: string[] = [];
  const counting: PostgresPool = {
    ...pool,
    batching,
    query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      statements++;
      const verb = text.trim().split(/\s/, 1)[0]!;
      events.push(`sent ${verb}`);
      return pool.query<R>(text, values).finally(() => events.push(`answered ${verb}`));
    },
  };
  return {
    registrations: new PostgresRegistrations(counting),
    nodes: new PostgresNodes(counting),
    events,
    get statements() {
      return statements;
    },
  };
}

const ascending = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('PostgreSQL writes batched per turn', () => {
  const db = forSuite(() => sharedDatabase((pool) => pool));

  test('1 000 enables issued at once go as a few statements, and every registration is stored', async () => {
    const instance = counted(await db.instance());
    const users = Array.from({ length: 1_000 }, (_, i) => `enabler-${i}@example.com`);
    await Promise.all(users.map((user) => instance.registrations.put(user, registration('push.example.com', 'n1'))));
    assert.ok(instance.statements <= 5, `${instance.statements} statements for 1 000 enables`);
    const reader = counted(await db.instance()).registrations;
    assert.deepEqual(await reader.listFor('enabler-999@example.com'), [registration('push.example.com', 'n1')]);
    assert.equal((await Promise.all(users.map((user) => reader.hasAny(user)))).filter(Boolean).length, 1_000);
  });

  test("400 increments of one user's counter through two instances: distinct counts 1 to 400, in few statements", async () => {
    const [a, b] = [counted(await db.instance()), counted(await db.instance())];
    const counts = await incrementsAtOnce([a.registrations, b.registrations], 'batched-badge@example.com', 400);
    assert.deepEqual([...counts].sort((x, y) => x - y), ascending(400));
    assert.equal(await a.registrations.unreadCount('batched-badge@example.com'), 400);
    assert.ok(a.statements + b.statements <= 10, `${a.statements + b.statements} statements for 400 increments`);
  });

  test('increments of one turn answer in issue order, each its own count, in one statement', async () => {
    const instance = counted(await db.instance());
    await instance.registrations.incrementUnread('ordered-badge@example.com');
    const counts = await Promise.all([1, 2, 3].map(() => instance.registrations.incrementUnread('ordered-badge@example.com')));
    assert.deepEqual(counts, [2, 3, 4]);
    assert.equal(instance.statements, 2);
  });

  test('a reset between increments of one turn comes after the ones before it and before the ones after it', async () => {
    const instance = counted(await db.instance());
    const { registrations } = instance;
    const user = 'reset-between@example.com';
    const answers = await Promise.all([registrations.incrementUnread(user), registrations.incrementUnread(user), registrations.resetUnread(user), registrations.incrementUnread(user)]);
    assert.deepEqual(answers, [1, 2, undefined, 1]);
    assert.equal(await registrations.unreadCount(user), 1);
  });

  test('an enable then a disable of one registration in one turn: the disable is sent once the enable committed', async () => {
    const instance = counted(await db.instance());
    const { registrations } = instance;
    const r = registration('push.example.com', 'n1');
    await Promise.all([registrations.put('gone@example.com', r), registrations.remove('gone@example.com', 'push.example.com', 'n1')]);
    assert.deepEqual(instance.events, ['sent INSERT', 'answered INSERT', 'sent DELETE', 'answered DELETE']);
    assert.deepEqual(await registrations.listFor('gone@example.com'), []);
    await registrations.put('back@example.com', r);
    instance.events.length = 0;
    await Promise.all([registrations.remove('back@example.com', 'push.example.com', 'n1'), registrations.put('back@example.com', r)]);
    assert.deepEqual(instance.events, ['sent DELETE', 'answered DELETE', 'sent INSERT', 'answered INSERT']);
    assert.deepEqual(await registrations.listFor('back@example.com'), [r]);
  });

  test('enables of different users in one turn are sent at once, their disables too', async () => {
    const instance = counted(await db.instance());
    const { registrations } = instance;
    const r = registration('push.example.com', 'n1');
    await Promise.all([registrations.put('one@example.com', r), registrations.remove('two@example.com', 'push.example.com', 'n1')]);
    assert.deepEqual(instance.events.slice(0, 2), ['sent INSERT', 'sent DELETE']);
  });

  test('the later of two enables of one registration in one turn stays, written by one statement', async () => {
    const instance = counted(await db.instance());
    const { registrations } = instance;
    await Promise.all([registrations.put('twice@example.com', registration('push.example.com', 'n1', 1)), registrations.put('twice@example.com', registration('push.example.com', 'n1', 2))]);
    assert.equal(instance.statements, 1);
    assert.deepEqual(await registrations.listFor('twice@example.com'), [registration('push.example.com', 'n1', 2)]);
  });

  test('one message claimed three times in one turn has one winner, the first, in one statement', async () => {
    const instance = counted(await db.instance());
    const claims = await Promise.all([1, 2, 3].map(() => instance.registrations.claimMessage('claimed@example.com', 'stanza-1')));
    assert.deepEqual(claims, [true, false, false]);
    assert.equal(instance.statements, 1);
  });

  test('claims and counts in one turn: duplicates refused and not counted, the others counted in order', async () => {
    const instance = counted(await db.instance());
    const user = 'claim-count@example.com';
    const answers = await Promise.all(['m1', 'm1', 'm2', 'm3'].map((id) => instance.registrations.claimAndCount(user, id)));
    assert.deepEqual(answers, [1, undefined, 2, 3]);
    assert.equal(instance.statements, 1);
    assert.equal(await instance.registrations.claimAndCount(user, 'm2'), undefined);
    assert.equal(await instance.registrations.unreadCount(user), 3);
  });

  test('300 messages, each handed to both instances at once, are claimed and counted once each', async () => {
    const [a, b] = [counted(await db.instance()), counted(await db.instance())];
    const user = 'handed-twice@example.com';
    const ids = Array.from({ length: 300 }, (_, i) => `stanza-${i}`);
    const answers = await Promise.all(ids.flatMap((id) => [a.registrations.claimAndCount(user, id), b.registrations.claimAndCount(user, id)]));
    const counts = answers.filter((count) => count !== undefined);
    assert.deepEqual([...counts].sort((x, y) => x - y), ascending(300));
    assert.equal(await a.registrations.unreadCount(user), 300);
    assert.ok(a.statements + b.statements <= 10, `${a.statements + b.statements} statements for 600 claims`);
  });

  test('writes of later turns, while the batches in flight are at the bound, gather into one batch sent when one settles', async () => {
    const pool = await db.instance();
    const instance = counted(pool, { maxWrites: 1_000, inFlight: 1 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    // An uncommitted row of the counter: the first increment waits for this transaction.
    const holder = pool.transaction(async (client) => {
      await client.query("INSERT INTO xmpp_server_unread (user_jid, count) VALUES ('held@example.com', 1)");
      holding();
      await released;
    });
    await held;
    const first = instance.registrations.incrementUnread('held@example.com');
    const later: Array<Promise<number>> = [];
    for (const user of ['b@example.com', 'c@example.com', 'd@example.com']) {
      await new Promise((resolve) => setImmediate(resolve));
      later.push(instance.registrations.incrementUnread(user));
    }
    await new Promise((resolve) => setImmediate(resolve));
    const sentWhileHeld = instance.statements;
    release();
    await holder;
    assert.equal(sentWhileHeld, 1);
    assert.equal(await first, 2);
    assert.deepEqual(await Promise.all(later), [1, 1, 1]);
    assert.equal(instance.statements, 2);
  });

  test('a failing statement rejects every write of its batch with HERALD_STORE, and the next batch is written', async () => {
    const { registrations } = counted(await db.instance(), { maxWrites: 2, inFlight: 2 });
    // bigint refuses 1.5: the first batch's statement fails.
    const writes = [
      registrations.put('failed@example.com', registration('push.example.com', 'bad', 1.5)),
      registrations.put('failed@example.com', registration('push.example.com', 'good', 1)),
      registrations.put('written@example.com', registration('push.example.com', 'n1', 1)),
      registrations.put('written@example.com', registration('push.example.com', 'n2', 1)),
    ];
    const outcomes = await Promise.allSettled(writes);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'rejected' ? (isHeraldError(o.reason, 'HERALD_STORE') ? 'HERALD_STORE' : String(o.reason)) : 'written')),
      ['HERALD_STORE', 'HERALD_STORE', 'written', 'written'],
    );
    assert.deepEqual(await registrations.listFor('failed@example.com'), []);
    assert.deepEqual(await registrations.nodesOn('written@example.com', 'push.example.com'), ['n1', 'n2']);
  });
});

describe('a statement PostgreSQL rolls back for a collision', () => {
  const db = forSuite(() => sharedDatabase((pool) => pool));

  /** `pool`, whose first `aborts` statements PostgreSQL "aborts" as it aborts a deadlock's victim: HERALD_STORE with the server's error as cause. */
  function aborting(pool: PostgresPool, aborts: number, code = '40P01') {
    let left = aborts;
    let sent = 0;
    const wrapped: PostgresPool = {
      ...pool,
      query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
        sent++;
        if (left-- > 0) return Promise.reject(storeFailure(Object.assign(new Error('deadlock detected'), { code })));
        return pool.query<R>(text, values);
      },
    };
    return { registrations: new PostgresRegistrations(wrapped), sent: () => sent };
  }

  test('is run again: the writes of a deadlock victim are written once, each caller answered', async () => {
    const instance = aborting(await db.instance(), ROLLED_BACK_RETRIES);
    const counts = await Promise.all([1, 2, 3].map(() => instance.registrations.incrementUnread('victim@example.com')));
    assert.deepEqual(counts, [1, 2, 3]);
    assert.equal(await instance.registrations.unreadCount('victim@example.com'), 3, 'counted once, not once per try');
    assert.equal(instance.sent(), ROLLED_BACK_RETRIES + 2, 'the retries, the statement that went through, the read');
  });

  test('fails its writes with HERALD_STORE once the retries are spent; a statement refused for what it asked is not retried', async () => {
    const spent = aborting(await db.instance(), ROLLED_BACK_RETRIES + 1, '40001');
    await assert.rejects(spent.registrations.incrementUnread('unlucky@example.com'), (e: unknown) => isHeraldError(e, 'HERALD_STORE'));
    assert.equal(spent.sent(), ROLLED_BACK_RETRIES + 1);
    const refused = aborting(await db.instance(), 1, '22P02'); // invalid_text_representation: asking again changes nothing
    await assert.rejects(refused.registrations.incrementUnread('refused@example.com'), (e: unknown) => isHeraldError(e, 'HERALD_STORE'));
    assert.equal(refused.sent(), 1);
  });
});

describe('PostgreSQL node creates batched per turn', () => {
  const db = forSuite(() => sharedDatabase((pool) => pool));

  test('1 000 creates of new nodes issued at once go as a few statements, and every node is stored', async () => {
    const instance = counted(await db.instance());
    const nodes = Array.from({ length: 1_000 }, (_, i) => `device-${i}`);
    const created = await Promise.all(nodes.map((node, i) => instance.nodes.createCapped(node, nodeRecord(`owner-${i % 10}@example.com`), 1_000)));
    assert.equal(created.filter(Boolean).length, 1_000);
    assert.ok(instance.statements <= 5, `${instance.statements} statements for 1 000 creates`);
    assert.equal(await counted(await db.instance()).nodes.countOf('owner-3@example.com', 1_000), 100);
  });

  test("creates of one owner in one turn count each other: the first ones in issue order reach the cap, in one statement", async () => {
    const instance = counted(await db.instance());
    const created = await Promise.all([1, 2, 3, 4, 5].map((i) => instance.nodes.createCapped(`capped-${6 - i}`, nodeRecord('capped@example.com', i), 3)));
    assert.deepEqual(created, [true, true, true, false, false]);
    assert.equal(instance.statements, 1);
    assert.deepEqual(await instance.nodes.nodesOf('capped@example.com'), ['capped-3', 'capped-4', 'capped-5']);
  });
});
