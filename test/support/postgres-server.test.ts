/** The tests' private PostgreSQL: one cluster per process, a fresh database per suite, gone when closed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresDatabase } from './postgres-server.js';

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

test('a database accepts connections on loopback and runs with fsync on', async () => {
  const db = await postgresDatabase();
  try {
    assert.match(db.url, /^postgres:\/\/herald@127\.0\.0\.1:\d+\/herald_test_\d+$/);
    assert.deepEqual(await query(db.url, 'SHOW fsync'), [{ fsync: 'on' }]);
  } finally {
    await db.close();
  }
});

test('two databases of one process are separate, on the same cluster', async () => {
  const [a, b] = await Promise.all([postgresDatabase(), postgresDatabase()]);
  try {
    assert.notEqual(a.url, b.url);
    assert.equal(new URL(a.url).port, new URL(b.url).port);
    await query(a.url, 'CREATE TABLE only_in_a (id int)');
    assert.deepEqual(await query(b.url, "SELECT to_regclass('only_in_a') AS t"), [{ t: null }]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('a closed database is dropped', async () => {
  const db = await postgresDatabase();
  await db.close();
  await assert.rejects(query(db.url, 'SELECT 1'), /does not exist/);
});
