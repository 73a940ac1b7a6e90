/**
 * App Server roles on one real PostgreSQL database, as several Herald instances run them: each
 * with its own pool, change feed (store/postgres/postgres-change-feed.ts), actor runtime and
 * recording push path (the harness's ProgrammedDispatcher).
 */
import { startActorRuntime } from '../../src/actors/index.js';
import { AppServerRole } from '../../src/app-server/index.js';
import { PostgresNodes } from '../../src/app-server/postgres-nodes.js';
import { validateConfig } from '../../src/core/config/load.js';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import { PostgresChangeFeed } from '../../src/store/postgres/postgres-change-feed.js';
import { postgresDatabase, postgresOptions } from '../support/postgres-server.js';
import { ProgrammedDispatcher, startHarness } from './harness.js';

/** One Herald instance's App Server role. */
export interface Instance {
  role: AppServerRole;
  dispatcher: ProgrammedDispatcher;
}

/** One role on a store of its own, for a suite that runs on each store. */
export interface RoleFixture extends Instance {
  close(): Promise<void>;
}

/** Each store a role runs on, named, for suites that run on both (as the store contracts do). */
export const ROLE_ON_EACH_STORE: ReadonlyArray<readonly [string, () => Promise<RoleFixture>]> = [
  ['LMDB', () => startHarness()],
  [
    'PostgreSQL',
    async () => {
      const { instances, close } = await instancesOnOnePostgres(1);
      return { ...instances[0]!, close };
    },
  ],
];

/**
 * `count` instances on a fresh database, all with the config `overrides`. Without `changeFeeds`
 * no instance hears of another's changes, so a live node actor keeps its record until it reads
 * it again itself: the window before a change notice arrives, held open.
 */
export async function instancesOnOnePostgres(
  count: number,
  overrides: Record<string, unknown> = {},
  o: { changeFeeds?: boolean } = {},
): Promise<{ instances: Instance[]; close(): Promise<void> }> {
  const config = validateConfig(overrides);
  const db = await postgresDatabase();
  const options = postgresOptions(db.url);
  const closers: Array<() => Promise<void>> = [];
  const start = async (): Promise<Instance> => {
    const pool = await openPostgres(options);
    const changes = o.changeFeeds === false ? undefined : await PostgresChangeFeed.open({ postgres: options, origin: pool.origin });
    const actors = startActorRuntime();
    const dispatcher = new ProgrammedDispatcher();
    const role = new AppServerRole({ config, nodes: new PostgresNodes(pool), changes, actors, dispatcher });
    closers.push(async () => {
      await role.close();
      actors.stop();
      await changes?.close();
      await pool.close();
    });
    return { role, dispatcher };
  };
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) instances.push(await start());
  return {
    instances,
    async close() {
      for (const close of closers) await close();
      await db.close();
    },
  };
}
