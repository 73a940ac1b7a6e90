/**
 * The PostgreSQL store at start: the pool opened and the schema brought to this Herald's version
 * (migrations.ts) before any role reads or writes. A database that cannot be reached or migrated
 * fails the start with HERALD_STORE, and the pool is closed again.
 */
import { HeraldError, isHeraldError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { migrate } from './migrations.js';
import { openPostgresPool, type PostgresOptions, type PostgresPool } from './postgres-pool.js';

export async function openPostgres(options: PostgresOptions, log?: Logger): Promise<PostgresPool> {
  const pool = openPostgresPool(options, log);
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) log?.info('store.postgres.migrated', { versions: applied });
    return pool;
  } catch (e) {
    await pool.close();
    if (isHeraldError(e)) throw e;
    throw new HeraldError('HERALD_STORE', `PostgreSQL: ${(e as Error).message}`, { cause: e });
  }
}
