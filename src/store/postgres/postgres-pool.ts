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
 *
 * Errors: whatever node-postgres rejects with (connection refused, a statement cancelled by
 * `statement_timeout_ms`, a constraint) comes out as HERALD_STORE with the cause kept, as LMDB's
 * failures do, so the roles answer one code whatever the backend.
 *
 * Origin: each pool names itself with a random id in the session setting `herald.origin`, which
 * the change-notice trigger (schema-v3.ts) puts in every notice, so a change feed can skip the
 * changes of its own pool: its actors already hold them.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { HeraldConfig } from '../../core/config/schema.js';
import { HeraldError, isHeraldError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { ORIGIN_SETTING } from './schema-v3.js';

export type PostgresOptions = Omit<HeraldConfig['store']['postgres'], 'url'> & { url: string };

/** What the instance's sessions are called in `pg_stat_activity`, so an operator tells them apart. */
const APPLICATION_NAME = 'herald';

export interface PostgresPool {
  /** This pool's id in change notices (`herald.origin`). */
  readonly origin: string;
  /** How writes on this pool are batched (write-batch.ts). */
  readonly batching: WriteBatching;
  /** One statement, in its own transaction; resolves after its commit. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** `work` on one connection inside BEGIN … COMMIT; ROLLBACK (and the error passed on) when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Waits for the queries in flight, then closes every connection. */
  close(): Promise<void>;
}

export interface WriteBatching {
  /** `store.postgres.batch_max_writes`: the most writes one batch sends. */
  readonly maxWrites: number;
  /** `store.postgres.batches_in_flight`: batches of one batcher being written at once. */
  readonly inFlight: number;
}

/** `[store.postgres]` of a config whose backend is postgres (the schema then requires `url`). */
export function postgresOptionsOf(config: HeraldConfig): PostgresOptions {
  return { ...config.store.postgres, url: config.store.postgres.url! };
}

/** A failure of PostgreSQL or of the connection to it, as HERALD_STORE; Herald's own errors pass as they are. */
export function storeFailure(e: unknown): Error {
  if (isHeraldError(e)) return e;
  return new HeraldError('HERALD_STORE', `PostgreSQL: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

export function openPostgresPool(options: PostgresOptions, log: Logger = silentLogger): PostgresPool {
  const origin = randomUUID();
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.pool_size,
    connectionTimeoutMillis: options.connect_timeout_ms,
    idleTimeoutMillis: options.idle_timeout_ms,
    statement_timeout: options.statement_timeout_ms,
    application_name: APPLICATION_NAME,
    // A server parameter given at connection start; a custom one needs a dotted name.
    options: `-c ${ORIGIN_SETTING}=${origin}`,
  });
  // An idle connection that the server closes (restart, failover) emits `error` on the pool;
  // unhandled, that would end the process. The pool drops the connection and opens another.
  pool.on('error', (e) => log.warn('store.postgres.connection_lost', { error: e.message }));
  return {
    origin,
    batching: { maxWrites: options.batch_max_writes, inFlight: options.batches_in_flight },
    query: (text, values) => pool.query(text, values).catch((e: unknown) => Promise.reject(storeFailure(e))),
    async transaction(work) {
      const client = await pool.connect().catch((e: unknown) => Promise.reject(storeFailure(e)));
      /** Set when even ROLLBACK failed: the connection is unusable and is closed, not pooled. */
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw storeFailure(e);
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
