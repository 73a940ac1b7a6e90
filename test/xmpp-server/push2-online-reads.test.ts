/**
 * On PostgreSQL, a message to a user with an available session asks whether the user has Push
 * 2.0 registrations. For a user who has none the answer is remembered: one query, not one per
 * message, until this instance or another (through the change feed) writes the user's
 * registrations.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type pg from 'pg';
import type { PostgresPool } from '../../src/store/postgres/postgres-pool.js';
import { PUSH2_SCOPE } from '../../src/xmpp-server/registration.js';
import { eventually } from '../support/eventually.js';
import { forSuite } from '../support/for-suite.js';
import { chat, stanza } from './harness.js';
import { sharedStore, type Instance } from './shared-store-instances.js';

const MATCH_ALL = "<match profile='urn:xmpp:push2:match:all'><send xmlns='urn:xmpp:push2:send:notify-only:0'/></match>";

/** A pool wrapper counting the reads of users' Push 2.0 sessions (registrations in PUSH2_SCOPE). */
function countingPush2Reads() {
  const counted = { reads: 0 };
  const through = (pool: PostgresPool): PostgresPool => ({
    ...pool,
    query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      if (/^SELECT node FROM xmpp_server_registrations/.test(text) && values?.[1] === PUSH2_SCOPE) counted.reads++;
      return pool.query<R>(text, values);
    },
  });
  return { counted, through };
}

async function enablePush2(via: Instance, fullJid: string): Promise<void> {
  const enable = `<enable xmlns='urn:xmpp:push2:0'><service>push.example.net</service><client>c-${fullJid}</client>${MATCH_ALL}</enable>`;
  const reply = await via.role.handleIq(stanza(`<iq type='set' id='e-${fullJid}' from='${fullJid}'>${enable}</iq>`));
  assert.equal(reply.attrs.type, 'result', reply.toString());
}

let sequence = 0;

/** One new message for `user` through `via`, handled: how many Push 2.0 notifications it made. */
async function notified(via: Instance, user: string): Promise<number> {
  const before = via.push2.length;
  via.role.onMessage(chat(user, 'are you there?', `online-${++sequence}`));
  await via.role.whenIdle();
  return via.push2.length - before;
}

describe('Push 2.0 on PostgreSQL: messages to users with an available session', () => {
  const store = forSuite(() => sharedStore());

  test('a user without a Push 2.0 registration costs one query, not one per message', async () => {
    const { counted, through } = countingPush2Reads();
    const a = await store.instance(through);
    a.role.sessionAvailable('plain@example.com/laptop');
    for (let i = 0; i < 5; i++) assert.equal(await notified(a, 'plain@example.com'), 0);
    assert.equal(counted.reads, 1);
  });

  test("another instance's enable is seen through the change feed: a later message is notified", async () => {
    const { counted, through } = countingPush2Reads();
    const [a, b] = [await store.instance(through), await store.instance()];
    a.role.sessionAvailable('elsewhere@example.com/laptop');
    assert.equal(await notified(a, 'elsewhere@example.com'), 0);
    await enablePush2(b, 'elsewhere@example.com/phone');
    await eventually(async () => (await notified(a, 'elsewhere@example.com')) === 1, 'a message through A notified to the phone enabled through B');
    assert.ok(counted.reads >= 2, 'read again once B wrote');
  });

  test("this instance's own enable is seen by the very next message", async () => {
    const a = await store.instance();
    a.role.sessionAvailable('here@example.com/laptop');
    assert.equal(await notified(a, 'here@example.com'), 0);
    await enablePush2(a, 'here@example.com/phone');
    assert.equal(await notified(a, 'here@example.com'), 1);
  });

  test('with users_without_cache = 0 every such message is a query', async () => {
    const uncached = await sharedStore({ push2: { users_without_cache: 0 } });
    try {
      const { counted, through } = countingPush2Reads();
      const a = await uncached.instance(through);
      a.role.sessionAvailable('plain@example.com/laptop');
      for (let i = 0; i < 3; i++) await notified(a, 'plain@example.com');
      assert.equal(counted.reads, 3);
    } finally {
      await uncached.close();
    }
  });
});
