/**
 * Herald migrates its PostgreSQL schema at start: once, whole, recorded in herald_schema_version,
 * and safely when several instances start at the same moment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHeraldError } from '../../src/core/errors.js';
import { MIGRATIONS, migrate, type Migration } from '../../src/store/postgres/migrations.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import { openPostgresPool, type PostgresPool } from '../../src/store/postgres/postgres-pool.js';
import { postgresDatabase, postgresOptions, type PostgresDatabase } from '../support/postgres-server.js';

const LATEST = MIGRATIONS.at(-1)!.version;

/** A pool on a fresh database, closed (and the database dropped) after `use`. */
async function withDatabase(use: (db: PostgresDatabase, pool: PostgresPool) => Promise<void>): Promise<void> {
  const db = await postgresDatabase();
  const pool = openPostgresPool(postgresOptions(db.url));
  try {
    await use(db, pool);
  } finally {
    await pool.close();
    await db.close();
  }
}

async function versions(pool: PostgresPool): Promise<number[]> {
  return (await pool.query<{ version: number }>('SELECT version FROM herald_schema_version ORDER BY version')).rows.map((r) => r.version);
}

test('a fresh database is migrated to the latest version, and a second start applies nothing', () =>
  withDatabase(async (_, pool) => {
    assert.deepEqual(await migrate(pool), MIGRATIONS.map((m) => m.version));
    assert.deepEqual(await migrate(pool), []);
    assert.deepEqual(await versions(pool), MIGRATIONS.map((m) => m.version));
  }));

test('a database an older Herald left at version 1 gets the later versions, in order, once', () =>
  withDatabase(async (_, pool) => {
    assert.deepEqual(await migrate(pool, MIGRATIONS.slice(0, 1)), [1]);
    assert.deepEqual(await migrate(pool), MIGRATIONS.slice(1).map((m) => m.version));
    assert.deepEqual(await migrate(pool), []);
    assert.deepEqual(await versions(pool), MIGRATIONS.map((m) => m.version));
  }));

test('instances starting together migrate once: the others wait for the lock and find the schema applied', () =>
  withDatabase(async (_, pool) => {
    const applied = await Promise.all(Array.from({ length: 4 }, () => migrate(pool)));
    assert.deepEqual(applied.filter((a) => a.length > 0), [MIGRATIONS.map((m) => m.version)]);
    assert.deepEqual(await versions(pool), MIGRATIONS.map((m) => m.version));
  }));

test('a migration that fails is rolled back whole: neither its tables nor its version remain', () =>
  withDatabase(async (_, pool) => {
    const broken: Migration = { version: LATEST + 1, description: 'half', statements: ['CREATE TABLE half_made (id int)', 'SELECT no_such_function()'] };
    await migrate(pool);
    await assert.rejects(migrate(pool, [...MIGRATIONS, broken]), /no_such_function/);
    assert.deepEqual(await versions(pool), MIGRATIONS.map((m) => m.version));
    assert.deepEqual((await pool.query("SELECT to_regclass('half_made') AS t")).rows, [{ t: null }]);
  }));

test('a schema newer than this Herald knows fails the start with HERALD_STORE', () =>
  withDatabase(async (db, pool) => {
    await migrate(pool);
    await pool.query("INSERT INTO herald_schema_version (version, description) VALUES ($1, 'from a newer Herald')", [LATEST + 1]);
    await assert.rejects(openPostgres(postgresOptions(db.url)), (e: unknown) => isHeraldError(e, 'HERALD_STORE') && /newer than this Herald knows/.test((e as Error).message));
  }));

test('a PostgreSQL that cannot be reached fails the start with HERALD_STORE', async () => {
  const db = await postgresDatabase();
  await db.close();
  await assert.rejects(openPostgres(postgresOptions(db.url)), (e: unknown) => isHeraldError(e, 'HERALD_STORE') && /does not exist/.test((e as Error).message));
});
