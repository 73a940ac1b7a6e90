/**
 * The main thread's side of one sender thread: batches requests to it, settles their promises
 * from its answers, keeps its last stats, and supervises it.
 *
 * Supervision: if the thread dies, every notification it held ends as `connection_lost` (a
 * transient outcome: the App Server answers `wait`, the registration is kept); what it had not
 * been handed yet waits for the new thread, started after RESTART_DELAY_MS.
 */
import { Worker } from 'node:worker_threads';
import { HeraldError } from '../../core/errors.js';
import type { ApnsServiceStats } from '../apns-service.js';
import type { ApnsRequest } from '../apns/headers.js';
import type { PushOutcome } from '../notification.js';
import type { FromSenderThread, SenderThreadInit, ToSenderThread } from './protocol.js';

/** Wait before restarting a crashed sender thread: no restart storm if it dies at once again. */
export const RESTART_DELAY_MS = 1_000;

const CONNECTION_LOST: PushOutcome = Object.freeze({ ok: false, reason: 'connection_lost' });
const TOO_MANY_REQUESTS: PushOutcome = Object.freeze({ ok: false, reason: 'too_many_requests' });
const SERVICE_INTERNAL: PushOutcome = Object.freeze({ ok: false, reason: 'service_internal' });

type Settled = PushOutcome | { thrown: string; message: string };

export class SenderThreadHandle {
  private worker!: Worker;
  /** True while the thread is up; sends made meanwhile wait in the batch (bounded by `capacity`). */
  private live = false;
  private readonly pending = new Map<number, (outcome: PushOutcome) => void>();
  private nextId = 0;
  private batchIds: number[] = [];
  private batch: ApnsRequest[] = [];
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  lastStats: ApnsServiceStats | undefined;
  /** The thread's event-loop utilization over its last report interval (0..1). */
  utilization = 0;
  /** The thread's V8 heap in bytes, as last reported. */
  heapUsed = 0;

  constructor(
    private readonly init: SenderThreadInit,
    /** Notifications this thread may hold: its mailboxes' total, so they can never overflow. */
    readonly capacity: number,
    private readonly authorization: () => string,
  ) {}

  /** Handed over and not yet settled. */
  get outstanding(): number {
    return this.pending.size;
  }

  get hasRoom(): boolean {
    return this.pending.size < this.capacity;
  }

  /** Queues a prepared request for the thread; the caller checked `hasRoom`. */
  submit(request: ApnsRequest): Promise<PushOutcome> {
    const id = this.nextId++;
    this.batchIds.push(id);
    this.batch.push(request);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return new Promise<PushOutcome>((resolve) => this.pending.set(id, resolve));
  }

  start(): Promise<void> {
    const worker = new Worker(new URL('./sender-thread.js', import.meta.url), { workerData: this.init });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (msg: FromSenderThread) => {
        switch (msg.type) {
          case 'outcomes': {
            const apnsIds = msg.deliveredApnsIds.split(',');
            for (let i = 0; i < msg.deliveredIds.length; i++) this.settle(msg.deliveredIds[i]!, { ok: true, id: apnsIds[i]! });
            for (let i = 0; i < msg.otherIds.length; i++) this.settle(msg.otherIds[i]!, msg.others[i]!);
            break;
          }
          case 'stats':
            this.lastStats = msg.stats;
            if (msg.utilization !== undefined) this.utilization = msg.utilization;
            if (msg.heapUsed !== undefined) this.heapUsed = msg.heapUsed;
            break;
          case 'ready':
            ready = true;
            if (this.closing) {
              void worker.terminate(); // restarted while the service was being closed
              resolve();
              break;
            }
            this.live = true;
            this.flush(); // what was sent while the thread was (re)starting
            resolve();
            break;
          case 'failed':
            reject(new HeraldError('HERALD_TRANSPORT', `an APNS sender thread failed to start: ${msg.message}`));
            void worker.terminate();
            break;
          case 'closed':
            break;
        }
      });
      worker.on('error', (e) => {
        if (!ready) reject(e);
      });
      worker.on('exit', () => {
        this.live = false;
        if (this.closing || !ready) return;
        // The thread died: what it held is lost in transit (what it never got is kept for the
        // next thread); start a new one.
        this.failPending(CONNECTION_LOST, new Set(this.batchIds));
        setTimeout(() => {
          if (!this.closing) void this.start().catch(() => {});
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  close(graceMs?: number): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (!this.live) return resolve(); // the thread is down: nothing to drain
      this.flush();
      this.worker.once('exit', () => resolve());
      this.worker.on('message', (msg: FromSenderThread) => {
        if (msg.type === 'closed') void this.worker.terminate();
      });
      this.post({ type: 'close', graceMs });
    }).then(() => this.failPending(CONNECTION_LOST));
    return this.closing;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.batch.length === 0 || !this.live) return;
    this.post({ type: 'send', ids: this.batchIds, requests: this.batch, authorization: this.authorization() });
    this.batchIds = [];
    this.batch = [];
  };

  private post(msg: ToSenderThread): void {
    this.worker.postMessage(msg);
  }

  private settle(id: number, outcome: Settled): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    if ('thrown' in outcome) {
      // The capacity gate keeps the thread's mailboxes from filling; if they still did, it is overload.
      resolve(outcome.thrown === 'HERALD_MAILBOX_FULL' ? TOO_MANY_REQUESTS : SERVICE_INTERNAL);
    } else {
      resolve(outcome);
    }
  }

  private failPending(outcome: PushOutcome, keep: ReadonlySet<number> = new Set()): void {
    for (const [id, resolve] of this.pending) {
      if (keep.has(id)) continue;
      this.pending.delete(id);
      resolve(outcome);
    }
  }
}
