/**
 * On-demand actors keyed by a string (a user's bare JID, a push node), sharded so that no nact
 * parent ever owns more than `shardSize` children. Shard parents never receive messages: nact
 * copies a parent's children map on every message it handles (O(children) per message), so the
 * lookup lives in a plain Map here, outside the actors.
 *
 * Passivation: a sweep stops actors idle for `passivateAfterMs`. The cell is removed from the
 * map before it is stopped and only when its mailbox is empty, so no message is ever dispatched
 * to a stopped actor; the next message for that key spawns a fresh actor that reloads from LMDB.
 */
import { spawnStateless, type Ref } from 'nact';
import { ActorCell, type BehaviourFactory } from './actor-cell.js';

export interface RegistryOptions {
  /** Used in nact actor names; [a-z0-9-] only. */
  kind: string;
  mailboxCapacity: number;
  shardSize: number;
  passivateAfterMs: number;
  onCrash?: (error: unknown, key: string) => void;
}

interface Shard {
  ref: Ref<unknown>;
  children: number;
}

export class ActorRegistry<M, R = void> {
  private readonly cells = new Map<string, ActorCell<M, R>>();
  private readonly shardOf = new Map<ActorCell<M, R>, Shard>();
  private readonly shards: Shard[] = [];
  private sequence = 0;
  private readonly sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly system: Ref<unknown>,
    private readonly factory: (key: string) => BehaviourFactory<M, R>,
    private readonly options: RegistryOptions,
  ) {
    if (options.passivateAfterMs > 0) {
      const every = Math.max(10, Math.floor(options.passivateAfterMs / 2));
      this.sweepTimer = setInterval(() => this.passivateIdle(), every);
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

  has(key: string): boolean {
    return this.cells.has(key);
  }

  /** The live actor for `key`, spawned (and so loaded from its store) on first use. */
  get(key: string): ActorCell<M, R> {
    let cell = this.cells.get(key);
    if (!cell) {
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
    }
    return cell;
  }

  tell(key: string, msg: M): void {
    this.get(key).tell(msg);
  }

  ask(key: string, msg: M): Promise<R> {
    return this.get(key).ask(msg);
  }

  /** Stops every actor idle for longer than the passivation delay; returns how many. */
  passivateIdle(now = Date.now()): number {
    let stopped = 0;
    for (const [key, cell] of this.cells) {
      if (cell.idle && now - cell.lastActive >= this.options.passivateAfterMs) {
        this.remove(key, cell);
        stopped++;
      }
    }
    return stopped;
  }

  stopAll(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const [key, cell] of this.cells) this.remove(key, cell);
  }

  private remove(key: string, cell: ActorCell<M, R>): void {
    this.cells.delete(key);
    const shard = this.shardOf.get(cell);
    this.shardOf.delete(cell);
    if (shard) shard.children--;
    cell.stop();
  }

  private shardWithRoom(): Shard {
    for (const shard of this.shards) if (shard.children < this.options.shardSize) return shard;
    const ref = spawnStateless(
      this.system as Ref<never>,
      () => undefined, // shard parents never receive messages
      `${this.options.kind}-shard-${this.shards.length}`,
    ) as Ref<unknown>;
    const shard = { ref, children: 0 };
    this.shards.push(shard);
    return shard;
  }
}
