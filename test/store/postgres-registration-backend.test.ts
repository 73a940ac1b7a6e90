/**
 * The registration backend contract on PostgreSQL, and what only a shared store owes: two
 * instances (two pools on one database) see each other's writes and lose no count.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresRegistrations } from '../../src/xmpp-server/postgres-registrations.js';
import { eventually } from '../support/eventually.js';
import { forSuite } from '../support/for-suite.js';
import { postgresFixture, sharedDatabase } from './postgres-fixture.js';
import { incrementsAtOnce, registration, registrationBackendContract } from './registration-backend.contract.js';

registrationBackendContract('PostgreSQL', () => postgresFixture((pool) => new PostgresRegistrations(pool)));

describe('two Herald instances on one PostgreSQL', () => {
  const shared = forSuite(() => sharedDatabase((pool) => new PostgresRegistrations(pool)));

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

  test('a message claimed through one instance is refused to the other', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    const claims = await Promise.all([a.claimMessage('both@example.com', 'stanza-1'), b.claimMessage('both@example.com', 'stanza-1')]);
    assert.deepEqual([...claims].sort(), [false, true]);
  });

  test('claims older than the retention are forgotten, younger ones kept', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    assert.equal(await a.claimMessage('swept@example.com', 'old'), true);
    assert.equal(await b.forgetClaims(60_000), 0);
    assert.equal(await b.claimMessage('swept@example.com', 'old'), false);
    await eventually(async () => (await b.forgetClaims(0)) > 0, 'the claim older than 0 ms forgotten');
    assert.equal(await a.claimMessage('swept@example.com', 'old'), true);
  });
});
