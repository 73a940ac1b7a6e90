/**
 * Herald instances sharing one PostgreSQL, as several instances behind one XMPP server are: each
 * has the XMPP Server role with its own actor runtime, pool, change feed and recording Publisher
 * (the App Server's test double), and no LMDB.
 */
import { startActorRuntime } from '../../src/actors/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import type { PostgresPool } from '../../src/store/postgres/postgres-pool.js';
import { PostgresChangeFeed } from '../../src/store/postgres/postgres-change-feed.js';
import { PostgresRegistrations } from '../../src/xmpp-server/postgres-registrations.js';
import { XmppServerRole } from '../../src/xmpp-server/xmpp-server.js';
import type { Push2Notification } from '../../src/xmpp/push2/push2-types.js';
import { postgresDatabase, postgresOptions } from '../support/postgres-server.js';
import { enableThrough, RecordingPublisher, type RoleHarness } from './harness.js';

export interface Instance {
  role: XmppServerRole;
  publisher: RecordingPublisher;
  /** The Push 2.0 notifications this instance sent (all taken). */
  push2: Push2Notification[];
}

/** A fresh database; `instance()` starts one more Herald on it, `close()` stops them all. */
export async function sharedStore(xmppServer: Record<string, unknown> = {}) {
  const db = await postgresDatabase();
  const options = postgresOptions(db.url);
  const config = validateConfig({ xmpp_server: { domain: 'example.com', ...xmppServer } });
  const stops: Array<() => Promise<void>> = [];
  return {
    /** `through`: what the role's store sends its statements through (a wrapper of the pool, to watch them). */
    async instance(through: (pool: PostgresPool) => PostgresPool = (pool) => pool): Promise<Instance> {
      const pool = await openPostgres(options);
      const changes = await PostgresChangeFeed.open({ postgres: options, origin: pool.origin });
      const actors = startActorRuntime();
      const publisher = new RecordingPublisher();
      const push2: Push2Notification[] = [];
      const push2Sender = { send: (n: Push2Notification) => (push2.push(n), Promise.resolve({ ok: true as const })) };
      const role = new XmppServerRole({ config, actors, publisher, registrations: new PostgresRegistrations(through(pool)), changes, push2Sender });
      stops.push(async () => {
        await role.close();
        actors.stop();
        await changes.close();
        await pool.close();
      });
      return { role, publisher, push2 };
    },
    /** A pool of no instance: reads only what PostgreSQL has committed. */
    async reader(): Promise<PostgresRegistrations> {
      const pool = await openPostgres(options);
      stops.push(() => pool.close());
      return new PostgresRegistrations(pool);
    },
    async close(): Promise<void> {
      for (const stop of stops.splice(0)) await stop();
      await db.close();
    },
  };
}

/** One instance on a fresh database, as the LMDB Harness offers a role, for the suites run on both. */
export async function postgresHarness(xmppServer: Record<string, unknown> = {}): Promise<RoleHarness> {
  const store = await sharedStore(xmppServer);
  const { role } = await store.instance();
  return {
    role,
    enable: (user, pubsub, node, options) => enableThrough(role, user, pubsub, node, options),
    dispose: () => store.close(),
  };
}
