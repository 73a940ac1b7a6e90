/**
 * Wakes the main thread when sends are due on an open-loop schedule. Node's timers fire on a
 * 1 ms grid (and later when the loop is busy), which alone would add up to a millisecond to every
 * latency measured; a worker thread sleeping in Atomics.wait (metronome-worker.ts) wakes within
 * tens of µs and posts to the main loop, which then sends everything due. A busy main thread also
 * sends what is due whenever it handles an answer (open-loop.ts) and says so with `sent(n)`:
 * the worker then skips its message, so the wake-ups cost nothing when the loop is awake anyway.
 * How late each send still leaves is the caller's to measure (open-loop.ts: schedule lag).
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { SENT, SLOTS, STOP } from './metronome-slots.js';
import type { Schedule } from './schedule.js';

export class Metronome {
  private onDue: ((due: number) => void) | undefined;
  private onDone: ((error?: Error) => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly slots: Int32Array,
  ) {
    worker.on('message', (m: number | 'done') => {
      if (m === 'done') this.onDone?.();
      else this.onDue?.(m);
    });
    worker.on('error', (e) => this.onDone?.(e));
  }

  /** `base`: the `process.hrtime.bigint()` reading the caller's clock (clock.ts) counts from. */
  static async start(base: bigint): Promise<Metronome> {
    const shared = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(new URL('./metronome-worker.js', import.meta.url), { workerData: { base, shared } });
    const metronome = new Metronome(worker, new Int32Array(shared));
    await once(worker, 'online');
    return metronome;
  }

  /** Calls `onDue(n)` when the first n sends of `s` are due and not all sent; resolves after the last one or `stop()`. */
  run(s: Schedule, onDue: (due: number) => void): Promise<void> {
    if (this.onDone) throw new Error('the metronome is already running a schedule');
    Atomics.store(this.slots, STOP, 0);
    Atomics.store(this.slots, SENT, 0);
    this.onDue = onDue;
    return new Promise((resolve, reject) => {
      this.onDone = (error) => {
        this.onDue = undefined;
        this.onDone = undefined;
        if (error) reject(error);
        else resolve();
      };
      this.worker.postMessage(s);
    });
  }

  /** The caller has made the first `n` sends of the current schedule. */
  sent(n: number): void {
    Atomics.store(this.slots, SENT, n);
  }

  /** Ends the current schedule early (its `run` resolves once the worker has stopped). */
  stop(): void {
    Atomics.store(this.slots, STOP, 1);
    Atomics.notify(this.slots, STOP);
  }

  async close(): Promise<void> {
    this.stop();
    await this.worker.terminate();
  }
}
