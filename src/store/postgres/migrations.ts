/**
 * Herald creates and migrates its PostgreSQL tables at start. Each migration has a version; the
 * versions applied are rows of `herald_schema_version`. All pending migrations run in one
 * transaction that first takes a transaction-scoped advisory lock: instances starting together
 * queue on the lock, the first applies the migrations, the others then find them applied. A
 * failed migration rolls back whole, so a database is never half migrated.
 */
import { HeraldError } from '../../core/errors.js';
import type { Migration } from './migration.js';
import type { PostgresPool } from './postgres-pool.js';
import { SCHEMA_V1 } from './schema-v1.js';
import { SCHEMA_V2 } from './schema-v2.js';
import { SCHEMA_V3 } from './schema-v3.js';
import { SCHEMA_V4 } from './schema-v4.js';
import { SCHEMA_V5 } from './schema-v5.js';
import { SCHEMA_V6 } from './schema-v6.js';

export type { Migration } from './migration.js';

/** Every migration, oldest first; a new schema version is a new entry at the end, never an edit. */
export const MIGRATIONS: readonly Migration[] = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6];

/**
 * The advisory lock key of Herald's migrations (any bigint, the same in every instance): the
 * first 8 bytes of "herald-m" read as a number, so it does not collide with another
 * application's small integers on the same database.
 */
export const MIGRATION_LOCK_KEY = 0x68657261_6c642d6dn.toString();

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS herald_schema_version (
  version     integer PRIMARY KEY,
  description text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
)`;

/** Applies the migrations the database lacks; resolves with the versions applied now (none when up to date). */
export async function migrate(pool: PostgresPool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return pool.transaction(async (client) => {
    // Before anything else, even the version table: two `CREATE TABLE IF NOT EXISTS` at once can both try to create it.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(VERSION_TABLE);
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM herald_schema_version');
    const current = rows[0]?.version ?? 0;
    const known = migrations.at(-1)?.version ?? 0;
    if (current > known) {
      throw new HeraldError('HERALD_STORE', `the PostgreSQL schema is at version ${current}, newer than this Herald knows (${known}): upgrade Herald`);
    }
    const pending = migrations.filter((m) => m.version > current);
    for (const migration of pending) {
      for (const statement of migration.statements) await client.query(statement);
      await client.query('INSERT INTO herald_schema_version (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
    }
    return pending.map((m) => m.version);
  });
}
