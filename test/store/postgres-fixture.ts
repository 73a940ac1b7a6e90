/**
 * Backends on one fresh PostgreSQL database, for the PostgreSQL runs of the backend contracts:
 * each `instance()` opens one more Herald's pool on it (migrating at start, as Herald does).
 */
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import type { PostgresPool } from '../../src/store/postgres/postgres-pool.js';
import { postgresDatabase, postgresOptions } from '../support/postgres-server.js';
import type { BackendFixture } from './backend-fixture.js';

export async function sharedDatabase<B>(open: (pool: PostgresPool) => B) {
  const db = await postgresDatabase();
  const pools: PostgresPool[] = [];
  return {
    async instance(): Promise<B> {
      const pool = await openPostgres(postgresOptions(db.url));
      pools.push(pool);
      return open(pool);
    },
    /** Closes every pool opened so far. */
    async closePools(): Promise<void> {
      await Promise.all(pools.splice(0).map((p) => p.close()));
    },
    async close(): Promise<void> {
      await this.closePools();
      await db.close();
    },
  };
}

/** One instance on a fresh database; `reopen` closes its pool and opens another on the same data. */
export async function postgresFixture<B>(open: (pool: PostgresPool) => B): Promise<BackendFixture<B>> {
  const shared = await sharedDatabase(open);
  let backend = await shared.instance();
  return {
    get backend() {
      return backend;
    },
    async reopen() {
      await shared.closePools();
      backend = await shared.instance();
    },
    close: () => shared.close(),
  };
}
