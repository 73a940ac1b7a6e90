/**
 * Bounded concurrency with a bounded wait queue: at most `concurrency` jobs run, at most
 * `maxWaiting` wait (FIFO) for a slot, and one more is refused at once with
 * HERALD_MAILBOX_FULL — the same backpressure as the in-process senders' full mailboxes.
 *
 *   enter(job) ──► running < concurrency ? run now
 *                 : waiting < maxWaiting ? queue
 *                 : throw HERALD_MAILBOX_FULL
 *   leave()    ──► running--, then the oldest waiting job runs
 */
import { BoundedQueue } from '../actors/bounded-queue.js';
import { HeraldError } from '../core/errors.js';

export interface GateJob {
  run(): void;
  /** Called instead of `run` when the gate closes while the job waits. */
  abandon(error: HeraldError): void;
}

export class RequestGate {
  private running = 0;
  private readonly waiting: BoundedQueue<GateJob> | undefined;
  private closed = false;

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    this.waiting = maxWaiting > 0 ? new BoundedQueue<GateJob>(maxWaiting) : undefined;
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting?.length ?? 0;
  }

  /** Runs the job now or queues it. @throws HeraldError HERALD_MAILBOX_FULL / HERALD_SHUTTING_DOWN */
  enter(job: GateJob): void {
    if (this.closed) throw new HeraldError('HERALD_SHUTTING_DOWN');
    if (this.running < this.concurrency) {
      this.running++;
      job.run();
      return;
    }
    if (!this.waiting?.push(job)) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `remote push: ${this.running} requests in flight and ${this.queued} waiting`);
    }
  }

  /** A running job ended: its slot goes to the oldest waiting job. */
  leave(): void {
    const next = this.waiting?.shift();
    if (next) next.run();
    else this.running--;
  }

  /** Refuses new jobs and abandons the waiting ones; running jobs finish. */
  close(): void {
    this.closed = true;
    for (let job = this.waiting?.shift(); job; job = this.waiting?.shift()) job.abandon(new HeraldError('HERALD_SHUTTING_DOWN'));
  }
}
