/**
 * Idempotency-Key claims in LMDB (`store.backend = "lmdb"`, one instance). The check and the
 * write of a claim are one lmdb-js transaction callback (callbacks run one after the other in
 * its write transaction), so two requests racing for a key cannot both claim it; each write is
 * synced before it resolves (a claim must survive a crash that follows the push).
 * Clock: this process's (the only one using the keys).
 */
import type { Database } from 'lmdb';
import { HeraldError, isHeraldError } from '../../core/errors.js';
import { DurableWrites } from '../../store/durable-write.js';
import type { HeraldStore } from '../../store/lmdb-store.js';
import type { ClaimResult, IdempotencyStore, RecordedAnswer } from './idempotency-store.js';

/** The named database of the keys. */
export const IDEMPOTENCY_DB = 'rest-idempotency-keys';

interface KeyRecord {
  fingerprint: string;
  owner: string;
  /** ms since epoch: claimed at (the retention counts from here). */
  claimedAt: number;
  /** ms since epoch: the claim is abandoned after this without an answer. */
  leaseUntil: number;
  answer?: RecordedAnswer;
}

const CLAIMED: ClaimResult = Object.freeze({ kind: 'claimed' });
const IN_FLIGHT: ClaimResult = Object.freeze({ kind: 'in_flight' });
const ABANDONED: ClaimResult = Object.freeze({ kind: 'abandoned' });
const REUSED: ClaimResult = Object.freeze({ kind: 'reused' });

export class LmdbIdempotencyKeys implements IdempotencyStore {
  private readonly db: Database<KeyRecord, string>;
  private readonly writes: DurableWrites;

  constructor(store: HeraldStore, private readonly now: () => number = Date.now) {
    this.db = store.database<KeyRecord>(IDEMPOTENCY_DB);
    this.writes = new DurableWrites(store);
  }

  claim(key: string, fingerprint: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const at = this.now();
    return this.write('claiming', () =>
      this.db.transaction(() => {
        const held = this.db.get(key);
        if (held !== undefined) return stateOf(held, fingerprint, at);
        this.db.putSync(key, { fingerprint, owner, claimedAt: at, leaseUntil: at + leaseMs });
        return CLAIMED;
      }),
    );
  }

  record(key: string, owner: string, answer: RecordedAnswer): Promise<void> {
    return this.write('recording', () =>
      this.db.transaction(() => {
        const held = this.db.get(key);
        if (held?.owner === owner && held.answer === undefined) this.db.putSync(key, { ...held, answer: { status: answer.status, body: answer.body } });
      }),
    );
  }

  release(key: string, owner: string): Promise<void> {
    return this.write('releasing', () =>
      this.db.transaction(() => {
        const held = this.db.get(key);
        if (held?.owner === owner && held.answer === undefined) this.db.removeSync(key);
      }),
    );
  }

  async sweep(retentionMs: number): Promise<number> {
    const before = this.now() - retentionMs;
    const removals: Promise<boolean>[] = [];
    for (const { key, value } of this.db.getRange()) if (value.claimedAt < before) removals.push(this.db.remove(key));
    if (removals.length > 0) await this.write('sweeping', () => Promise.all(removals));
    return removals.length;
  }

  /** `work` (a write transaction) once its commit is synced; LMDB's failures as HERALD_STORE. */
  private async write<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.writes.durableValue(work());
    } catch (e) {
      if (isHeraldError(e)) throw e;
      throw new HeraldError('HERALD_STORE', `${what} an Idempotency-Key: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** What a held key says to a request with `fingerprint` at `at`. */
function stateOf(held: KeyRecord, fingerprint: string, at: number): ClaimResult {
  if (held.fingerprint !== fingerprint) return REUSED;
  if (held.answer !== undefined) return { kind: 'answered', answer: held.answer };
  return held.leaseUntil > at ? IN_FLIGHT : ABANDONED;
}
