/**
 * Writes that resolve once durable: committed (lmdb-js's write promise, shared by every write of
 * one transaction) and then synced to disk (`store.flushed()`, one per commit). A refused or
 * failed write rejects without waiting for a flush.
 *
 * One `then` per write and no async frame: thousands of writes wait on each commit, and every
 * object they hold meanwhile outlives a young-generation collection.
 */
import type { HeraldStore } from './lmdb-store.js';

export class DurableWrites {
  /** The same function for every write: resolves when the last commit is synced. */
  private readonly flushed: () => PromiseLike<void>;

  constructor(store: HeraldStore) {
    this.flushed = () => store.flushed();
  }

  /** `written` (an lmdb-js put or remove) once its commit is on disk. */
  durable(written: Promise<unknown>): Promise<void> {
    return written.then(this.flushed);
  }

  /** As `durable`, resolving with what `written` resolved with (a removal: whether the key existed). */
  durableValue<T>(written: Promise<T>): Promise<T> {
    return written.then((value) => this.flushed().then(() => value));
  }
}
