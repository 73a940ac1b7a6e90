/**
 * Where Idempotency-Key claims and answers are kept: LMDB for one instance
 * (lmdb-idempotency-keys.ts), PostgreSQL for instances that share it (postgres-idempotency-keys.ts),
 * so that a retry landing on another instance finds the first attempt.
 *
 *   claim ── push ── record (status, body) ── answer        a retry: the recorded answer again
 *        └─ nothing sent, retry invited ── release           a retry: pushes
 *
 * A claim names its instance and carries a lease: a claim whose lease ran out without an answer
 * belongs to an instance that died between claim and record, and stays so (never claimed again:
 * its push may have been sent).
 */

/** An answer as recorded: what a retry is answered with. */
export interface RecordedAnswer {
  readonly status: number;
  /** The JSON text of the body. */
  readonly body: string;
}

export type ClaimResult =
  /** The key was free: this request owns it and may push. */
  | { readonly kind: 'claimed' }
  /** The same request was answered before. */
  | { readonly kind: 'answered'; readonly answer: RecordedAnswer }
  /** The same request is being processed (its lease is live). */
  | { readonly kind: 'in_flight' }
  /** The same request was claimed, its lease ran out, and no answer was recorded. */
  | { readonly kind: 'abandoned' }
  /** The key was used for another request (another fingerprint). */
  | { readonly kind: 'reused' };

export interface IdempotencyStore {
  /** Atomically takes `key` for `owner` (this instance) for `leaseMs`, or says who has it. Durable before it resolves 'claimed'. */
  claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<ClaimResult>;
  /** Records the answer of `owner`'s claim; durable before it resolves. */
  record(key: string, owner: string, answer: RecordedAnswer): Promise<void>;
  /** Gives up `owner`'s unanswered claim (nothing was sent), so a retry may push. */
  release(key: string, owner: string): Promise<void>;
  /** Removes keys claimed more than `retentionMs` ago; resolves with how many. */
  sweep(retentionMs: number): Promise<number>;
}
