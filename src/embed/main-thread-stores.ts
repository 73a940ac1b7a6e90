/**
 * The shared APNS provider tokens for a thread that opens no role stores: a sharded process's
 * main thread mints the tokens its shards are relayed (shards/token-relay.ts), so with the
 * postgres backend it takes them from PostgreSQL like every other instance, on a pool of its
 * own (TOKEN_POOL_SIZE). None with LMDB.
 *
 * That thread also serves the REST API, whose Idempotency-Key claims go to the same pool on
 * PostgreSQL (the store the other instances share), or to the process's LMDB environment.
 */
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import type { ProviderTokenStore } from '../push-service/apns/shared-token.js';
import { openPostgres } from '../store/postgres/open-postgres.js';
import { postgresOptionsOf } from '../store/postgres/postgres-pool.js';
import { PostgresProviderTokens } from '../push-service/apns/postgres-provider-tokens.js';
import type { IdempotencyStore } from '../rest/idempotency/idempotency-store.js';
import { LmdbIdempotencyKeys } from '../rest/idempotency/lmdb-idempotency-keys.js';
import { PostgresIdempotencyKeys } from '../rest/idempotency/postgres-idempotency-keys.js';
import type { HeraldStore } from '../store/lmdb-store.js';
import type { StartedParts } from './started-parts.js';

/**
 * Connections of that pool: one exchange per key and refresh period, one at a time per key; with
 * REST, [store.postgres] pool_size, for the claims and answers of requests with an Idempotency-Key.
 */
const TOKEN_POOL_SIZE = 1;

export interface MainThreadStores {
  tokenStore: ProviderTokenStore | undefined;
  idempotency: IdempotencyStore | undefined;
}

/** Recorded in `started` before the pools, so it closes after them. `lmdb`: the process's environment (LMDB backend). */
export async function openMainThreadStores(config: HeraldConfig, lmdb: HeraldStore | undefined, log: Logger, started: StartedParts): Promise<MainThreadStores> {
  if (lmdb) return { tokenStore: undefined, idempotency: config.rest.enabled ? new LmdbIdempotencyKeys(lmdb) : undefined };
  const poolSize = config.rest.enabled ? config.store.postgres.pool_size : TOKEN_POOL_SIZE;
  const pool = await openPostgres({ ...postgresOptionsOf(config), pool_size: poolSize }, log);
  started.add(() => pool.close());
  return { tokenStore: new PostgresProviderTokens(pool), idempotency: config.rest.enabled ? new PostgresIdempotencyKeys(pool) : undefined };
}
