/**
 * The shared APNS provider tokens for a thread that opens no role stores: a sharded process's
 * main thread mints the tokens its shards are relayed (shards/token-relay.ts), so with the
 * postgres backend it takes them from PostgreSQL like every other instance, on a pool of its
 * own (TOKEN_POOL_SIZE). None with LMDB.
 */
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import type { ProviderTokenStore } from '../push-service/apns/shared-token.js';
import { openPostgres } from '../store/postgres/open-postgres.js';
import { postgresOptionsOf } from '../store/postgres/postgres-pool.js';
import { PostgresProviderTokens } from '../push-service/apns/postgres-provider-tokens.js';
import type { StartedParts } from './started-parts.js';

/** Connections of that pool: one exchange per key and refresh period, one at a time per key. */
const TOKEN_POOL_SIZE = 1;

/** Recorded in `started` before the pools, so it closes after them. */
export async function openTokenStore(config: HeraldConfig, log: Logger, started: StartedParts): Promise<ProviderTokenStore | undefined> {
  if (config.store.backend !== 'postgres') return undefined;
  const pool = await openPostgres({ ...postgresOptionsOf(config), pool_size: TOKEN_POOL_SIZE }, log);
  started.add(() => pool.close());
  return new PostgresProviderTokens(pool);
}
