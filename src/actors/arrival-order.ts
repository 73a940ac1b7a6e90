/**
 * Work per key (a user, a node) that must reach the key's actor in the order it arrived (RFC
 * 6120 §10.1: a stream's stanzas are processed in order), when some of it must first read the
 * store before it can tell the actor anything. A step that answers at once (LMDB reads its map)
 * runs at once and leaves nothing behind; a step that waits (PostgreSQL answers later, pooled
 * connections in any order) holds back the later steps of its key until it settled.
 */
import type { Awaitable } from '../store/awaitable.js';

export class ArrivalOrder {
  /** Per key, the last step still waiting; settles (never rejects) once it settled. */
  private readonly waiting = new Map<string, Promise<void>>();

  /** Runs `step` for `key` now, or after the key's earlier step that still waits; gives what `step` gives. */
  run<T>(key: string, step: () => Awaitable<T>): Awaitable<T> {
    const earlier = this.waiting.get(key);
    const result = earlier ? earlier.then(step) : step();
    if (!(result instanceof Promise)) return result;
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.waiting.set(key, settled);
    void settled.then(() => {
      if (this.waiting.get(key) === settled) this.waiting.delete(key);
    });
    return result;
  }
}
