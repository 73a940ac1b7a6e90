/**
 * The store's size bound (`store.max_size_mib`). lmdb-js grows its memory map whenever a
 * transaction needs more pages, so LMDB itself bounds nothing; this guard does, before each write:
 *
 *   used ≥ max and the write adds a new key  →  refused, HERALD_STORE_FULL (nothing is queued)
 *   otherwise                                →  written
 *
 * Removals are never refused and rewrites of an existing key are let through, so disables, node
 * deletions and unread counters keep working and the store can be emptied while it is full.
 * The usage is read at most once per event-loop turn (lmdb-js commits a turn's writes as one
 * batch): first the file's high-water mark (one statistics call); only once the file has reached
 * the bound are the pages in use counted. LMDB's statistics show committed writes only, so the
 * file can pass the bound by what was admitted while a commit was in flight (measured: 1.04× at
 * 1 MiB, 1.01× at 4 MiB, with 50 enables of ~1 KiB in flight).
 */
import { foldRepeats, type FoldingLogger } from '../core/aggregated-log.js';
import { HeraldError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/log.js';

export interface StoreUsage {
  /** Bytes of the LMDB file in use (store-usage.ts). */
  usedBytes: number;
  /** `store.max_size_mib` in bytes. */
  maxBytes: number;
  /** At the bound: writes of new keys are being refused. */
  full: boolean;
  /** Writes refused so far because the store was full. */
  refusedWrites: number;
}

export interface SizeGuardOptions {
  maxBytes: number;
  /** Bytes in use now (store-usage.ts; called at most once per event-loop turn). */
  measure: () => number;
  /** An upper bound of `measure()` that is cheaper to read: the file's high-water mark. */
  upperBound: () => number;
  path: string;
  log?: Logger;
  /** ms over which refusals (and recoveries) are folded into one log line. */
  logIntervalMs: number;
}

export class StoreSizeGuard {
  private measured: number | undefined;
  private highWater: number | undefined;
  private forgetting = false;
  private wasFull = false;
  private refused = 0;
  /** Refusals (`store.full`) and recoveries (`store.space_available`), each folded. */
  private readonly log: FoldingLogger;

  constructor(private readonly options: SizeGuardOptions) {
    this.log = foldRepeats(options.log ?? silentLogger, options.logIntervalMs);
  }

  usage(): StoreUsage {
    const usedBytes = this.usedBytes();
    return { usedBytes, maxBytes: this.options.maxBytes, full: this.isFull(usedBytes), refusedWrites: this.refused };
  }

  /** Throws HERALD_STORE_FULL when the store is at its bound and `isNewKey()` says the write adds a key. */
  admit(isNewKey: () => boolean): void {
    if (this.belowBound()) return; // the file itself is smaller than the bound: nothing to count
    const used = this.usedBytes();
    if (!this.isFull(used) || !isNewKey()) return;
    this.refused++;
    const fields = { path: this.options.path, used_bytes: used, max_bytes: this.options.maxBytes };
    this.log.error('store.full', { ...fields, action: 'new entries (enables, node creations) are refused until data is removed or store.max_size_mib is raised' });
    throw new HeraldError('HERALD_STORE_FULL', `${used} bytes in use, store.max_size_mib allows ${this.options.maxBytes}`);
  }

  /** Writes pending log lines (at close). */
  flush(): void {
    this.log.flush();
  }

  private isFull(used: number): boolean {
    const full = used >= this.options.maxBytes;
    if (this.wasFull && !full) this.log.info('store.space_available', { path: this.options.path, used_bytes: used, max_bytes: this.options.maxBytes });
    this.wasFull = full;
    return full;
  }

  private belowBound(): boolean {
    if (this.highWater === undefined) {
      this.highWater = this.options.upperBound();
      this.forgetNextTurn();
    }
    return this.highWater < this.options.maxBytes && !this.wasFull;
  }

  private usedBytes(): number {
    if (this.measured === undefined) {
      this.measured = this.options.measure();
      this.forgetNextTurn();
    }
    return this.measured;
  }

  /** lmdb-js commits one turn's writes together: measure again in the next turn. */
  private forgetNextTurn(): void {
    if (this.forgetting) return;
    this.forgetting = true;
    setImmediate(() => {
      this.measured = undefined;
      this.highWater = undefined;
      this.forgetting = false;
    }).unref();
  }
}
