/**
 * Writes to PostgreSQL batched per event-loop turn (issue 11: "writes batched per turn as with
 * LMDB"). The writes that actors issue during one turn are collected and sent, when the turn
 * ends (`setImmediate`), as ONE statement per kind of write (a WriteKind: registration upserts,
 * unread increments, …) with array parameters, instead of one statement, one round trip and one
 * WAL flush each. Each caller's promise resolves once that statement committed (acknowledged =
 * durable, postgres-pool.ts) and rejects with HERALD_STORE when it failed; a failed statement
 * fails only its own writes.
 *
 * While `store.postgres.batches_in_flight` batches are being written, the writes of later turns
 * gather into the next batch, which is sent when one of them settles, as lmdb-js gathers the
 * writes made during a commit into the next one: under load, fewer and larger commits, and the
 * pool's other connections stay free for reads. Idle, a write goes at the end of its turn.
 *
 * Order. Every write names a key (WriteKind.keyOf: the row or counter whose successive writes
 * must not be swapped). A batch holds at most `store.postgres.batch_max_writes` writes, and one
 * kind per key:
 *   - writes of one key and one kind share the statement, which applies them as their issue
 *     order says (the kind merges them: increments summed and answered in order, the later of
 *     two upserts kept, the first of two claims granted);
 *   - a write of a key that the batch holds under another kind (a reset after an increment, a
 *     delete after an upsert) closes the batch and starts the next one.
 * The statements of one batch touch disjoint keys, so they run at once on several connections.
 * A batch with a key that an earlier batch (of this turn or one still in flight) also writes is
 * sent only once that batch settled: a key's writes reach PostgreSQL in their issue order.
 *
 * Across instances each statement stays atomic (INSERT … ON CONFLICT, row locks), as a single
 * write was; kinds send their rows sorted by key so that two instances' batches lock rows in the
 * same order. Where locks of two kinds still cross (a node create takes its owner's advisory lock,
 * then the node's row, which another instance's create of the same name for another owner may
 * hold), PostgreSQL aborts one statement with deadlock_detected; that statement was rolled back
 * whole, so it is run again (ROLLED_BACK_RETRIES) before its writes fail.
 */
import type { PostgresPool } from './postgres-pool.js';
import { storeFailure } from './postgres-pool.js';

export interface WriteKind<W, A> {
  /** The key whose writes must keep their issue order; only writes of one kind may share it in a batch. */
  keyOf(write: W): string;
  /**
   * ONE statement for `writes` (issue order; a key may come several times): one answer per
   * write, in the same order, once the statement committed.
   */
  run(pool: PostgresPool, writes: readonly W[]): Promise<A[]>;
}

/**
 * How many more times a statement PostgreSQL rolled back for a collision with another transaction
 * (deadlock_detected 40P01, serialization_failure 40001) is run: rolled back whole, it wrote
 * nothing, so running it again cannot write twice; the collision is with another instance's batch
 * of the same moment, which has committed or been rolled back by the time this one is aborted, so
 * one retry normally goes through and a second covers a new collision, without holding a batch
 * (and the keys after it) for long.
 */
export const ROLLED_BACK_RETRIES = 2;

/** SQLSTATEs of a statement that PostgreSQL rolled back for a collision, not for what it asked. */
const COLLISIONS: ReadonlySet<string> = new Set(['40P01', '40001']);

/** Whether PostgreSQL rolled the statement back for a collision (the pool wraps its error as HERALD_STORE, cause kept). */
function rolledBackForCollision(e: unknown): boolean {
  for (let cause: unknown = e; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && COLLISIONS.has(code)) return true;
  }
  return false;
}

/**
 * The order kinds sort their rows in (UTF-16 code units, the same in every instance), so that
 * two instances' statements take their row locks in one order.
 */
export const keyOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Waiting<W, A> {
  readonly write: W;
  resolve(answer: A): void;
  reject(e: Error): void;
}

/** A batch holds writes of every kind (method parameters are bivariant, so any WriteKind is one). */
type AnyKind = WriteKind<unknown, unknown>;

class Batch {
  /** Each kind's writes, kinds in the order of their first write. */
  readonly writes = new Map<AnyKind, Array<Waiting<unknown, unknown>>>();
  /** key → the kind that writes it in this batch. */
  readonly keys = new Map<string, AnyKind>();
  size = 0;
}

export class PostgresWriteBatcher {
  /** The batch this turn's writes go to. */
  private collecting: Batch | undefined;
  /** Batches of this turn that were closed (full, or a key under another kind), in order. */
  private readonly closed: Batch[] = [];
  /** key → settles once the latest batch sent with that key settled. */
  private readonly lastOfKey = new Map<string, Promise<void>>();
  /** Batches sent and not settled (those waiting for an earlier batch of a key included). */
  private inFlight = 0;

  private readonly maxWrites: number;
  private readonly maxInFlight: number;

  constructor(private readonly pool: PostgresPool) {
    this.maxWrites = pool.batching.maxWrites;
    this.maxInFlight = pool.batching.inFlight;
  }

  /** `write` of `kind`, sent with this turn's batch; resolves with its answer once committed. */
  write<W, A>(kind: WriteKind<W, A>, write: W): Promise<A> {
    const key = kind.keyOf(write);
    let batch = this.collecting;
    if (batch && (batch.size >= this.maxWrites || (batch.keys.get(key) ?? kind) !== kind)) {
      this.closed.push(batch);
      batch = undefined;
    }
    if (!batch) {
      if (!this.collecting) setImmediate(this.flush);
      batch = this.collecting = new Batch();
    }
    batch.keys.set(key, kind);
    batch.size++;
    let writes = batch.writes.get(kind);
    if (!writes) batch.writes.set(kind, (writes = []));
    const waiting = writes as Array<Waiting<W, A>>;
    return new Promise<A>((resolve, reject) => waiting.push({ write, resolve, reject }));
  }

  /**
   * The turn is over, or a batch settled: the batches filled meanwhile are sent, oldest first, as
   * long as fewer than `maxInFlight` are; the rest wait for the next settled batch (and the one
   * collecting keeps collecting).
   */
  private readonly flush = (): void => {
    while (this.inFlight < this.maxInFlight) {
      const batch = this.closed.shift() ?? this.collecting;
      if (!batch) return;
      if (batch === this.collecting) this.collecting = undefined;
      this.dispatch(batch);
    }
  };

  /** Sends `batch` once the earlier batches of its keys settled. */
  private dispatch(batch: Batch): void {
    this.inFlight++;
    const earlier = new Set<Promise<void>>();
    for (const key of batch.keys.keys()) {
      const last = this.lastOfKey.get(key);
      if (last) earlier.add(last);
    }
    // send() never rejects: each statement settles its own callers.
    const settled = earlier.size === 0 ? this.send(batch) : Promise.all(earlier).then(() => this.send(batch));
    for (const key of batch.keys.keys()) this.lastOfKey.set(key, settled);
    void settled.then(() => {
      for (const key of batch.keys.keys()) if (this.lastOfKey.get(key) === settled) this.lastOfKey.delete(key);
      this.inFlight--;
      this.flush();
    });
  }

  private send(batch: Batch): Promise<void> {
    const statements: Array<Promise<void>> = [];
    for (const [kind, waiting] of batch.writes) {
      const answered = this.run(kind, waiting.map((w) => w.write));
      statements.push(
        answered.then(
          (answers) => waiting.forEach((w, i) => w.resolve(answers[i])),
          (e: unknown) => {
            const failure = storeFailure(e);
            for (const w of waiting) w.reject(failure);
          },
        ),
      );
    }
    return Promise.all(statements).then(() => undefined);
  }

  /** `kind`'s statement for `writes`, run again when PostgreSQL rolled it back for a collision. */
  private run(kind: AnyKind, writes: unknown[], retries = ROLLED_BACK_RETRIES): Promise<unknown[]> {
    let answered: Promise<unknown[]>;
    try {
      answered = kind.run(this.pool, writes);
    } catch (e) {
      answered = Promise.reject(e);
    }
    return answered.catch((e: unknown) => (retries > 0 && rolledBackForCollision(e) ? this.run(kind, writes, retries - 1) : Promise.reject(e)));
  }
}
