/**
 * Where the roles persist, as `store.backend` says, opened once per engine before the roles:
 *
 * - `lmdb` (the default, one instance): the process's LMDB environment, which every engine of
 *   the process shares (the shards' worker threads open the same folder);
 * - `postgres` (several instances): a pool of this engine's own on the shared PostgreSQL, its
 *   schema migrated first (store/postgres/open-postgres.ts), and the change feed that tells the
 *   roles what other instances changed in the rows their actors hold; the same pool keeps the
 *   instances' shared APNS provider tokens (push-service/apns/shared-token.ts).
 *
 * Either way the REST API keeps its Idempotency-Key claims in the same store (rest/idempotency/).
 *
 * Recorded in `started` before the roles, so they stop after the roles (started-parts.ts).
 */
import type { NodeBackend } from '../app-server/node-backend.js';
import { PushNodeStore } from '../app-server/node-store.js';
import { PostgresNodes } from '../app-server/postgres-nodes.js';
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import type { ChangeFeed } from '../store/change-feed.js';
import type { HeraldStore } from '../store/lmdb-store.js';
import type { ProviderTokenStore } from '../push-service/apns/shared-token.js';
import { openPostgres } from '../store/postgres/open-postgres.js';
import { PostgresProviderTokens } from '../push-service/apns/postgres-provider-tokens.js';
import { PostgresChangeFeed } from '../store/postgres/postgres-change-feed.js';
import { postgresOptionsOf, storeFailure } from '../store/postgres/postgres-pool.js';
import type { RegistrationBackend } from '../xmpp-server/registration-backend.js';
import { PostgresRegistrations } from '../xmpp-server/postgres-registrations.js';
import { RegistrationStore } from '../xmpp-server/registration-store.js';
import type { StartedParts } from './started-parts.js';
import type { IdempotencyStore } from '../rest/idempotency/idempotency-store.js';
import { LmdbIdempotencyKeys } from '../rest/idempotency/lmdb-idempotency-keys.js';
import { PostgresIdempotencyKeys } from '../rest/idempotency/postgres-idempotency-keys.js';

export interface RoleStores {
  /** XMPP Server role: registrations, unread counters, seen messages. */
  registrations: RegistrationBackend;
  /** App Server role: push nodes, the owner index, the registration key. */
  nodes: NodeBackend;
  /** Other instances' changes (PostgreSQL). None with LMDB: every change goes through this process. */
  changes?: ChangeFeed;
  /** The instances' shared APNS provider tokens (PostgreSQL). None with LMDB: this process mints them. */
  providerTokens?: ProviderTokenStore;
  /** The REST API's Idempotency-Key claims: shared by the instances on PostgreSQL. */
  idempotency: IdempotencyStore;
}

/** `lmdb`: the ground's environment (started-parts.ts); undefined with the postgres backend. */
export async function openRoleStores(config: HeraldConfig, lmdb: HeraldStore | undefined, log: Logger, started: StartedParts): Promise<RoleStores> {
  if (lmdb) return { registrations: new RegistrationStore(lmdb), nodes: new PushNodeStore(lmdb), idempotency: new LmdbIdempotencyKeys(lmdb) };
  const postgres = postgresOptionsOf(config);
  const pool = await openPostgres(postgres, log);
  started.add(() => pool.close());
  const changes = await PostgresChangeFeed.open({ postgres, origin: pool.origin, log }).catch((e: unknown) => Promise.reject(storeFailure(e)));
  started.add(() => changes.close());
  log.info('store.postgres.opened', { pool_size: postgres.pool_size });
  return {
    registrations: new PostgresRegistrations(pool),
    nodes: new PostgresNodes(pool),
    changes,
    providerTokens: new PostgresProviderTokens(pool),
    idempotency: new PostgresIdempotencyKeys(pool),
  };
}
