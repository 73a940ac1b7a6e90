/** The Idempotency-Key store contract on PostgreSQL, and what only a shared store owes: two instances see one claim. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresIdempotencyKeys } from '../../src/rest/idempotency/postgres-idempotency-keys.js';
import { forSuite } from '../support/for-suite.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';
import { postgresFixture, sharedDatabase } from './postgres-fixture.js';

idempotencyStoreContract('PostgreSQL', () => postgresFixture((pool) => new PostgresIdempotencyKeys(pool)));

describe('two Herald instances on one PostgreSQL', () => {
  const shared = forSuite(() => sharedDatabase((pool) => new PostgresIdempotencyKeys(pool)));

  test('claims of one key through both instances at once: exactly one is claimed, and the other instance reads its answer', async () => {
    const [a, b] = [await shared.instance(), await shared.instance()];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim('raced', 'fp', `instance-${i % 2}`, 60_000)));
    assert.equal(results.filter((r) => r.kind === 'claimed').length, 1);
    const owner = `instance-${results.findIndex((r) => r.kind === 'claimed') % 2}`;
    await (owner === 'instance-1' ? a : b).record('raced', owner, { status: 200, body: 'null' });
    assert.deepEqual(await (owner === 'instance-1' ? b : a).claim('raced', 'fp', 'x', 60_000), { kind: 'answered', answer: { status: 200, body: 'null' } });
  });
});
