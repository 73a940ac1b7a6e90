/**
 * Idempotency-Key claims on the PostgreSQL the instances share (schema-v6.ts), so a retry at any
 * instance finds the first attempt. Times are the database's (`now()`): the instances' clocks
 * need not agree. Every statement is its own transaction and durable once it resolves
 * (postgres-pool.ts).
 */
import { storeFailure, type PostgresPool } from '../../store/postgres/postgres-pool.js';
import type { ClaimResult, IdempotencyStore, RecordedAnswer } from './idempotency-store.js';

/**
 * The claim and, when the key was taken, the row that holds it, in one round trip. Under READ
 * COMMITTED the SELECT part sees the statement's snapshot: when a concurrent claim commits the key
 * after that snapshot was taken, the INSERT waits for it and does nothing, while the SELECT still
 * cannot see its row, and the statement returns no row at all; it is then run again (a new
 * statement, a new snapshot), which sees it.
 */
const CLAIM = `WITH claimed AS (
    INSERT INTO rest_idempotency_keys (key, fingerprint, owner, lease_until)
    VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
    ON CONFLICT (key) DO NOTHING
    RETURNING 1
  )
  SELECT true AS claimed, NULL AS fingerprint, NULL AS status, NULL AS body, false AS expired FROM claimed
  UNION ALL
  SELECT false, fingerprint, status, body, lease_until <= now() FROM rest_idempotency_keys
  WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`;

/** Claim attempts that found the key taken but not yet visible; one more always sees it (see CLAIM). */
const CLAIM_ATTEMPTS = 3;

interface ClaimRow {
  claimed: boolean;
  fingerprint: string | null;
  status: number | null;
  body: string | null;
  expired: boolean;
}

export class PostgresIdempotencyKeys implements IdempotencyStore {
  constructor(private readonly pool: PostgresPool) {}

  async claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    try {
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        const { rows } = await this.pool.query<ClaimRow>(CLAIM, [key, fingerprint, owner, leaseMs]);
        const row = rows[0];
        if (row !== undefined) return stateOf(row, fingerprint);
      }
    } catch (e) {
      throw storeFailure(e);
    }
    throw storeFailure(new Error(`the Idempotency-Key was taken but its row stayed invisible over ${CLAIM_ATTEMPTS} statements`));
  }

  async record(key: string, owner: string, answer: RecordedAnswer): Promise<void> {
    await this.pool
      .query('UPDATE rest_idempotency_keys SET status = $3, body = $4 WHERE key = $1 AND owner = $2 AND status IS NULL', [key, owner, answer.status, answer.body])
      .catch((e: unknown) => Promise.reject(storeFailure(e)));
  }

  async release(key: string, owner: string): Promise<void> {
    await this.pool
      .query('DELETE FROM rest_idempotency_keys WHERE key = $1 AND owner = $2 AND status IS NULL', [key, owner])
      .catch((e: unknown) => Promise.reject(storeFailure(e)));
  }

  async sweep(retentionMs: number): Promise<number> {
    const { rowCount } = await this.pool
      .query("DELETE FROM rest_idempotency_keys WHERE claimed_at < now() - $1 * interval '1 millisecond'", [retentionMs])
      .catch((e: unknown) => Promise.reject(storeFailure(e)));
    return rowCount ?? 0;
  }
}

function stateOf(row: ClaimRow, fingerprint: string): ClaimResult {
  if (row.claimed) return { kind: 'claimed' };
  if (row.fingerprint !== fingerprint) return { kind: 'reused' };
  if (row.status !== null) return { kind: 'answered', answer: { status: row.status, body: row.body ?? '' } };
  return { kind: row.expired ? 'abandoned' : 'in_flight' };
}
