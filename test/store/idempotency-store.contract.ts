/**
 * What every Idempotency-Key store owes the REST API (rest/idempotency/idempotency-store.ts), run
 * on each backend: LMDB (one instance) and PostgreSQL (shared).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdempotencyStore } from '../../src/rest/idempotency/idempotency-store.js';
import { eventually } from '../support/eventually.js';
import { forSuite } from '../support/for-suite.js';
import type { BackendFixture } from './backend-fixture.js';

const LEASE_MS = 60_000;
const OK = { status: 200, body: 'null' };

export function idempotencyStoreContract(name: string, open: () => Promise<BackendFixture<IdempotencyStore>>): void {
  describe(`the Idempotency-Key store on ${name}`, () => {
    const f = forSuite(open);
    const keys = () => f.backend;

    test('a key is claimed once: the same request then finds it in flight, another request finds it reused', async () => {
      assert.deepEqual(await keys().claim('k1', 'fp1', 'me', LEASE_MS), { kind: 'claimed' });
      assert.deepEqual(await keys().claim('k1', 'fp1', 'other', LEASE_MS), { kind: 'in_flight' });
      assert.deepEqual(await keys().claim('k1', 'fp2', 'other', LEASE_MS), { kind: 'reused' });
    });

    test('claims of one key at once: exactly one is claimed', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => keys().claim('raced', 'fp', `instance-${i}`, LEASE_MS)));
      assert.equal(results.filter((r) => r.kind === 'claimed').length, 1);
      assert.equal(results.filter((r) => r.kind === 'in_flight').length, 7);
    });

    test("the claimant's recorded answer is what the same request finds; another owner records nothing", async () => {
      await keys().claim('k2', 'fp', 'me', LEASE_MS);
      await keys().record('k2', 'other', { status: 503, body: '{"reason":"x"}' });
      assert.deepEqual(await keys().claim('k2', 'fp', 'other', LEASE_MS), { kind: 'in_flight' });
      await keys().record('k2', 'me', { status: 410, body: '{"reason":"unregistered"}' });
      assert.deepEqual(await keys().claim('k2', 'fp', 'other', LEASE_MS), { kind: 'answered', answer: { status: 410, body: '{"reason":"unregistered"}' } });
    });

    test("a released claim can be claimed again; another owner's release, or one after the record, removes nothing", async () => {
      await keys().claim('k3', 'fp', 'me', LEASE_MS);
      await keys().release('k3', 'other');
      assert.deepEqual(await keys().claim('k3', 'fp', 'other', LEASE_MS), { kind: 'in_flight' });
      await keys().release('k3', 'me');
      assert.deepEqual(await keys().claim('k3', 'fp', 'other', LEASE_MS), { kind: 'claimed' });
      await keys().record('k3', 'other', OK);
      await keys().release('k3', 'other');
      assert.deepEqual(await keys().claim('k3', 'fp', 'me', LEASE_MS), { kind: 'answered', answer: OK });
    });

    test('a claim whose lease ran out without an answer is abandoned, and stays so', async () => {
      await keys().claim('k4', 'fp', 'me', 1);
      await eventually(async () => (await keys().claim('k4', 'fp', 'other', LEASE_MS)).kind === 'abandoned', 'the lease to run out');
      assert.deepEqual(await keys().claim('k4', 'fp', 'other', LEASE_MS), { kind: 'abandoned' });
    });

    test('claims and answers survive a restart', async () => {
      await keys().claim('k5', 'fp', 'me', LEASE_MS);
      await keys().claim('k6', 'fp', 'me', LEASE_MS);
      await keys().record('k6', 'me', OK);
      await f.reopen();
      assert.deepEqual(await keys().claim('k5', 'fp', 'other', LEASE_MS), { kind: 'in_flight' });
      assert.deepEqual(await keys().claim('k6', 'fp', 'other', LEASE_MS), { kind: 'answered', answer: OK });
    });

    test('the sweep removes keys claimed longer ago than the retention, and no younger one', async () => {
      await keys().claim('k7', 'fp', 'me', LEASE_MS);
      assert.equal(await keys().sweep(3_600_000), 0);
      assert.deepEqual(await keys().claim('k7', 'fp2', 'me', LEASE_MS), { kind: 'reused' });
      await eventually(async () => (await keys().sweep(1)) > 0, 'the sweep to remove the keys');
      assert.deepEqual(await keys().claim('k7', 'fp2', 'me', LEASE_MS), { kind: 'claimed' });
    });
  });
}
