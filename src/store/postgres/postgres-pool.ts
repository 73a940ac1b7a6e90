/**
 * The connection pool of one Herald instance to the PostgreSQL the instances share
 * (`store.backend = "postgres"`), on node-postgres's `pg.Pool`: `[store.postgres]` sets its size
 * and timeouts, and `transaction` runs several statements on one connection between BEGIN and
 * COMMIT.
 *
 * Durability: a statement outside `transaction` is its own transaction, and node-postgres
 * resolves a query once the server has answered, which (with PostgreSQL's default
 * `synchronous_commit = on`) is after its COMMIT is flushed to the WAL: a write that resolved is
 * durable.
 */
import pg from 'pg';
import type { HeraldConfig } from '../../core/config/schema.js';
import { silentLogger, type Logger } from '../../core/log.js';

export type PostgresOptions = Omit<HeraldConfig['store']['postgres'], 'url'> & { url: string };

/** What the instance's sessions are called in `pg_stat_activity`, so an operator tells them apart. */
const APPLICATION_NAME = 'herald';

export interface PostgresPool {
  /** One statement, in its own transaction; resolves after its commit. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** `work` on one connection inside BEGIN … COMMIT; ROLLBACK (and the error passed on) when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Waits for the queries in flight, then closes every connection. */
  close(): Promise<void>;
}

export function openPostgresPool(options: PostgresOptions, log: Logger = silentLogger): PostgresPool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.pool_size,
    connectionTimeoutMillis: options.connect_timeout_ms,
    idleTimeoutMillis: options.idle_timeout_ms,
    statement_timeout: options.statement_timeout_ms,
    application_name: APPLICATION_NAME,
  });
  // An idle connection that the server closes (restart, failover) emits `error` on the pool;
  // unhandled, that would end the process. The pool drops the connection and opens another.
  pool.on('error', (e) => log.warn('store.postgres.connection_lost', { error: e.message }));
  return {
    query: (text, values) => pool.query(text, values),
    async transaction(work) {
      const client = await pool.connect();
      /** Set when even ROLLBACK failed: the connection is unusable and is closed, not pooled. */
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw e;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
