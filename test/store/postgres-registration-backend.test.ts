/**
 * The registration backend contract on PostgreSQL, and what only a shared store owes: two
 * instances (two pools on one database) see each other's writes and lose no count.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgres } from '../../src/store/postgres/open-postgres.js';
import type { PostgresPool } from '../../src/store/postgres/postgres-pool.js';
import { PostgresRegistrations } from '../../src/xmpp-server/postgres-registrations.js';
import { forSuite } from '../support/for-suite.js';
import { postgresDatabase, postgresOptions } from '../support/postgres-server.js';
import { incrementsAtOnce, registration, registrationBackendContract, type BackendFixture } from './registration-backend.contract.js';

/** One database; `instance()` opens one more Herald's pool on it (each migrates at start, as Herald does). */
async function sharedDatabase() {
  const db = await postgresDatabase();
  const pools: PostgresPool[] = [];
  return {
    async instance(): Promise<PostgresRegistrations> {
      const pool = await openPostgres(postgresOptions(db.url));
      pools.push(pool);
      return new PostgresRegistrations(pool);
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

registrationBackendContract('PostgreSQL', async (): Promise<BackendFixture> => {
  const shared = await sharedDatabase();
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
});

describe('two Herald instances on one PostgreSQL', () => {
  const shared = forSuite(sharedDatabase);

  test("500 increments of one user's counter, spread over both instances at once, are all counted", async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    const counts = await incrementsAtOnce([a, b], 'shared-badge@example.com', 500);
    assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 500 }, (_, i) => i + 1));
    assert.equal(await b.unreadCount('shared-badge@example.com'), 500);
  });

  test('a registration written through one instance is read through the other', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    await a.put('roaming@example.com', registration('push.example.com', 'n1', 5));
    assert.deepEqual(await b.listFor('roaming@example.com'), [registration('push.example.com', 'n1', 5)]);
    await b.remove('roaming@example.com', 'push.example.com', 'n1');
    assert.equal(await a.has('roaming@example.com', 'push.example.com', 'n1'), false);
  });
});
