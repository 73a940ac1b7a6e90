/**
 * On-demand actors keyed by a string (a user's bare JID, a push node), sharded so that no nact
 * parent ever owns more than `shardSize` children. Shard parents never receive messages: nact
 * copies a parent's children map on every message it handles (O(children) per message), so the
 * lookup lives in a plain Map here, outside the actors.
 *
 * Passivation: a sweep stops actors idle for `passivateAfterMs`, and the live actors are capped:
 * when a spawn takes them past `maxLive`, the least recently used idle ones are stopped at once,
 * whatever their age (the map's insertion order is the recency order: a `get` moves its key to
 * the end). A cell is removed from the map before it is stopped and only when its mailbox is
 * empty, so no message is ever dispatched to a stopped actor; the next message for that key
 * spawns a fresh actor that reloads from LMDB. Actors with work in their mailbox are never
 * evicted, so the cap is exceeded only by actors that are working.
 *
 * Stopping is done in slices of `stopBatchSize` actors per event-loop turn, by the passivation
 * sweep and by `stopAll()` alike: nact finishes each stop in a setImmediate that holds a context
 * (~1 KB) until it runs, so stopping a million actors in one synchronous loop needs a million of
 * those at once (an out-of-memory crash at shutdown). In slices, a wave of stops holds at most
 * `stopBatchSize` of them, whatever the number of actors.
 */
import { spawnStateless, type Ref } from 'nact';
import { ActorCell, type BehaviourFactory } from './actor-cell.js';

export interface RegistryOptions {
  /** Used in nact actor names; [a-z0-9-] only. */
  kind: string;
  mailboxCapacity: number;
  shardSize: number;
  passivateAfterMs: number;
  /** Live actors kept at most (idle ones beyond it are evicted, least recently used first). */
  maxLive: number;
  /** Actors stopped per event-loop turn (passivation sweeps, `stopAll`). */
  stopBatchSize: number;
  onCrash?: (error: unknown, key: string) => void;
}

/** Cells looked at per spawn when the live cap is reached (working actors are skipped). */
const EVICTION_SCAN = 64;

interface Shard {
  ref: Ref<unknown>;
  children: number;
  /** Position in `shards`. */
  index: number;
}

export class ActorRegistry<M, R = void> {
  private readonly cells = new Map<string, ActorCell<M, R>>();
  private readonly shardOf = new Map<ActorCell<M, R>, Shard>();
  private readonly shards: Shard[] = [];
  /** Every shard below this index is full: a spawn looks from here, not from the first shard. */
  private firstWithRoom = 0;
  private sequence = 0;
  private readonly sweepTimer: NodeJS.Timeout | undefined;
  /** The passivation sweep under way, if any: sweeps never overlap. */
  private sweeping: Promise<number> | undefined;
  /** Actors stopped because the live cap was reached (diagnostics, metrics). */
  evicted = 0;
  /** Keys whose live actor must read its state again before its next message (markStale). */
  private readonly stale = new Set<string>();

  constructor(
    private readonly system: Ref<unknown>,
    private readonly factory: (key: string) => BehaviourFactory<M, R>,
    private readonly options: RegistryOptions,
  ) {
    if (options.passivateAfterMs > 0) {
      const every = Math.max(10, Math.floor(options.passivateAfterMs / 2));
      this.sweepTimer = setInterval(() => void this.passivateIdle(), every);
      this.sweepTimer.unref();
    }
  }

  get size(): number {
    return this.cells.size;
  }

  /** Shard parents spawned so far (each holds at most `shardSize` children). */
  get shardCount(): number {
    return this.shards.length;
  }

  /** Whether no live actor has a message queued or in hand (a scan: diagnostics and tests). */
  get idle(): boolean {
    for (const cell of this.cells.values()) if (!cell.idle) return false;
    return true;
  }

  /** The keys of the live actors, least recently used first (a live view: copy it before telling them). */
  keys(): IterableIterator<string> {
    return this.cells.keys();
  }

  has(key: string): boolean {
    return this.cells.has(key);
  }

  /** The keys of the live actors (a snapshot: telling them may spawn or evict others). */
  liveKeys(): string[] {
    return [...this.cells.keys()];
  }

  /**
   * Another instance changed what `key`'s actor holds (undefined: maybe every key's): its live
   * actor is to read it again before its next message (`takeStale`). A mark, not a message: a
   * full mailbox cannot lose it. A key without a live actor is not marked, since a new actor
   * reads the store; a mark goes with its actor when it stops.
   */
  markStale(key?: string): void {
    if (key === undefined) for (const live of this.cells.keys()) this.stale.add(live);
    else if (this.cells.has(key)) this.stale.add(key);
  }

  /** Whether `key` was marked stale since its actor last asked, clearing the mark (cheap when none is marked). */
  takeStale(key: string): boolean {
    return this.stale.size !== 0 && this.stale.delete(key);
  }

  /** Stops the live actor of `key`, if any; its queued messages are rejected with HERALD_ACTOR_STOPPED. */
  stop(key: string): void {
    const cell = this.cells.get(key);
    if (cell) this.remove(key, cell);
  }

  /** The live actor for `key`, spawned (and so loaded from its store) on first use. */
  get(key: string): ActorCell<M, R> {
    let cell = this.cells.get(key);
    if (cell) {
      // Most recently used goes last: eviction takes from the front.
      this.cells.delete(key);
      this.cells.set(key, cell);
    } else {
      const shard = this.shardWithRoom();
      // nact names must match /^[a-z0-9-$_.+!*'(),]+$/i; keys are JIDs, so use a sequence number.
      const name = `${this.options.kind}-${(this.sequence++).toString(36)}`;
      cell = new ActorCell(shard.ref, key, name, this.factory(key), {
        capacity: this.options.mailboxCapacity,
        onCrash: this.options.onCrash,
      });
      shard.children++;
      this.cells.set(key, cell);
      this.shardOf.set(cell, shard);
      if (this.cells.size > this.options.maxLive) this.evictLeastRecentlyUsed(cell);
    }
    return cell;
  }

  /**
   * Stops idle actors from the least recently used end until the cap holds again. Looks at most
   * EVICTION_SCAN cells per spawn, so that a front full of working actors costs a bounded scan;
   * what it cannot evict now goes on a later spawn or sweep.
   */
  private evictLeastRecentlyUsed(spawned: ActorCell<M, R>): void {
    let scanned = 0;
    for (const [key, cell] of this.cells) {
      if (this.cells.size <= this.options.maxLive || ++scanned > EVICTION_SCAN) return;
      if (cell === spawned || !cell.idle) continue;
      this.remove(key, cell);
      this.evicted++;
    }
  }

  tell(key: string, msg: M): void {
    this.get(key).tell(msg);
  }

  ask(key: string, msg: M): Promise<R> {
    return this.get(key).ask(msg);
  }

  /**
   * Stops every actor idle for longer than the passivation delay (as of `now`), `stopBatchSize`
   * per event-loop turn; resolves with how many once the sweep is done. A sweep asked for while
   * one runs is that sweep.
   */
  passivateIdle(now = Date.now()): Promise<number> {
    this.sweeping ??= this.stopWhere((cell) => cell.idle && now - cell.lastActive >= this.options.passivateAfterMs).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /**
   * Stops every actor, `stopBatchSize` per event-loop turn; messages still queued are rejected
   * with HERALD_ACTOR_STOPPED. The registry takes no more sweeps; resolves once all are stopped.
   */
  async stopAll(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweeping;
    while (this.cells.size > 0) await this.stopWhere(() => true);
  }

  /**
   * Stops the cells that satisfy `condition` when reached; after each `stopBatchSize` stops it
   * yields one turn, in which nact's afterStop callbacks of that slice run and free their context.
   */
  private async stopWhere(condition: (cell: ActorCell<M, R>) => boolean): Promise<number> {
    let stopped = 0;
    let inSlice = 0;
    for (const [key, cell] of this.cells) {
      if (!condition(cell)) continue;
      this.remove(key, cell);
      stopped++;
      if (++inSlice >= this.options.stopBatchSize) {
        inSlice = 0;
        await nextTurn();
      }
    }
    if (inSlice > 0) await nextTurn();
    return stopped;
  }

  private remove(key: string, cell: ActorCell<M, R>): void {
    this.cells.delete(key);
    this.stale.delete(key);
    const shard = this.shardOf.get(cell);
    this.shardOf.delete(cell);
    if (shard) {
      shard.children--;
      this.firstWithRoom = Math.min(this.firstWithRoom, shard.index);
    }
    cell.stop();
  }

  /** O(1) amortised: a million live actors fill a thousand shards, which spawns must not walk each time. */
  private shardWithRoom(): Shard {
    for (; this.firstWithRoom < this.shards.length; this.firstWithRoom++) {
      const shard = this.shards[this.firstWithRoom]!;
      if (shard.children < this.options.shardSize) return shard;
    }
    const ref = spawnStateless(
      this.system as Ref<never>,
      () => undefined, // shard parents never receive messages
      `${this.options.kind}-shard-${this.shards.length}`,
    ) as Ref<unknown>;
    const shard = { ref, children: 0, index: this.shards.length };
    this.shards.push(shard);
    return shard;
  }
}

/**
 * Resolves after the immediates queued so far have run (Node runs setImmediate callbacks in the
 * order they were queued): nact's afterStop of every actor stopped before this call.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
