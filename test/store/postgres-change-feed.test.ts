/**
 * The change feed on a real PostgreSQL: a change committed by another instance's pool reaches
 * the subscribers of its table with its key, the instance's own changes do not, and a feed that
 * loses its connection tells every subscriber to drop its cache, then listens again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import { PostgresChangeFeed } from '../../src/store/postgres/postgres-change-feed.js';
import type { PostgresPool } from '../../src/store/postgres/postgres-pool.js';
import type { CachedTable } from '../../src/store/change-feed.js';
import { PostgresNodes } from '../../src/app-server/postgres-nodes.js';
import { PostgresRegistrations } from '../../src/xmpp-server/postgres-registrations.js';
import { eventually } from '../support/eventually.js';
import { postgresDatabase, postgresOptions, type PostgresDatabase } from '../support/postgres-server.js';

const APP = 'push.example.com';

function registration(node: string) {
  return { pubsubJid: APP, node, publishOptions: { secret: 's' }, createdAt: 1 };
}

function nodeRecord(owner: string) {
  return { owner, type: 'push', createdAt: 1, affiliations: { [owner]: 'owner' } } as never;
}

describe('PostgreSQL change feed', () => {
  let db: PostgresDatabase;
  /** `mine` is the feed's own instance, `theirs` another one on the same database. */
  let mine: PostgresPool;
  let theirs: PostgresPool;
  let feed: PostgresChangeFeed;
  const seen: Array<[CachedTable, string | undefined]> = [];

  before(async () => {
    db = await postgresDatabase();
    const options = postgresOptions(db.url);
    mine = await openPostgres(options);
    theirs = await openPostgres(options);
    feed = await PostgresChangeFeed.open({ postgres: { ...options, reconnect: { backoff_ms: 20, max_ms: 100 } }, origin: mine.origin });
    for (const table of ['xmpp_server_registrations', 'app_server_nodes'] as const) feed.subscribe(table, (key) => seen.push([table, key]));
  });
  after(async () => {
    await feed.close();
    await Promise.all([mine.close(), theirs.close()]);
    await db.close();
  });

  test("another instance's registration change reaches the feed with the user's JID; its own does not", async () => {
    seen.length = 0;
    await new PostgresRegistrations(mine).put('own@example.com', registration('n1'));
    await new PostgresRegistrations(theirs).put('other@example.com', registration('n1'));
    await eventually(() => seen.length > 0, 'a change notice');
    // Notices come in commit order: had the own change been delivered, it would be first.
    assert.deepEqual(seen, [['xmpp_server_registrations', 'other@example.com']]);
  });

  test('a removal of several rows of one user in one statement is one notice', async () => {
    const theirRegistrations = new PostgresRegistrations(theirs);
    await theirRegistrations.put('many@example.com', registration('a'));
    await theirRegistrations.put('many@example.com', registration('b'));
    await eventually(() => seen.filter(([, key]) => key === 'many@example.com').length === 2, 'both puts noticed');
    seen.length = 0;
    assert.equal(await theirRegistrations.removeAllOn('many@example.com', APP), 2);
    await theirRegistrations.put('marker@example.com', registration('m'));
    await eventually(() => seen.some(([, key]) => key === 'marker@example.com'), 'the marker noticed');
    assert.deepEqual(seen, [
      ['xmpp_server_registrations', 'many@example.com'],
      ['xmpp_server_registrations', 'marker@example.com'],
    ]);
  });

  test("a node's creation, change and removal by another instance each name the node", async () => {
    seen.length = 0;
    const nodes = new PostgresNodes(theirs);
    await nodes.put('node-1', nodeRecord('owner@example.com'));
    await nodes.put('node-1', nodeRecord('owner@example.com'));
    await nodes.remove('node-1', 'owner@example.com');
    await eventually(() => seen.length === 3, 'three node notices');
    assert.deepEqual(seen, [
      ['app_server_nodes', 'node-1'],
      ['app_server_nodes', 'node-1'],
      ['app_server_nodes', 'node-1'],
    ]);
  });

  test('a feed whose connection is killed tells every table to drop its cache, listens again, and tells them again', async () => {
    seen.length = 0;
    const killed = await theirs.query<{ killed: boolean }>(
      "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = 'herald-change-feed' AND datname = current_database()",
    );
    assert.deepEqual(killed.rows.map((r) => r.killed), [true]);
    await eventually(() => seen.length >= 2, 'every table told to drop its cache');
    assert.deepEqual(seen.slice(0, 2).sort(), [
      ['app_server_nodes', undefined],
      ['xmpp_server_registrations', undefined],
    ]);
    await eventually(() => feed.listening && seen.length >= 4, 'the feed listening again, and the caches dropped again');
    seen.length = 0;
    await new PostgresRegistrations(theirs).put('after@example.com', registration('n1'));
    await eventually(() => seen.length > 0, 'a change after the reconnect');
    assert.deepEqual(seen, [['xmpp_server_registrations', 'after@example.com']]);
  });

  test('a store error comes out as HERALD_STORE with the cause kept', async () => {
    await assert.rejects(theirs.query('SELECT * FROM no_such_table'), (e: Error & { code?: string; cause?: { code?: string } }) => {
      assert.equal(e.code, 'HERALD_STORE');
      assert.equal(e.cause?.code, '42P01'); // undefined_table
      return true;
    });
  });
});
