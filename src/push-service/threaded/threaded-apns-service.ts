/**
 * The APNS push service with its senders on a worker thread (config `apns.sender_threads = 1`).
 *
 * The main thread keeps the XMPP roles; the sender actors and their HTTP/2 connections live in
 * the thread (sender-thread.ts). Backpressure stays synchronous: this side counts notifications
 * handed over and not yet settled, and refuses at once with HERALD_MAILBOX_FULL once that count
 * reaches the thread's total mailbox capacity — so the thread's own mailboxes can never be full.
 *
 * Supervision: if the thread dies, every notification it held ends as `connection_lost` (a
 * transient outcome: the App Server answers `wait`, the registration is kept) and a new thread
 * is started after RESTART_DELAY_MS.
 */
import { Worker } from 'node:worker_threads';
import type { ApnsConfig } from '../../core/config/schema.js';
import { HeraldError } from '../../core/errors.js';
import type { ApnsServiceStats } from '../apns-service.js';
import type { ApnsRequest } from '../apns/headers.js';
import { isRejection, LOCAL_REJECTIONS } from '../apns/outcome.js';
import { prepareApnsRequest, type ApnsRequestDefaults } from '../apns/request.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../notification.js';
import type { FromSenderThread, SenderThreadInit, ToSenderThread } from './protocol.js';

/** Wait before restarting a crashed sender thread: no restart storm if it dies at once again. */
export const RESTART_DELAY_MS = 1_000;
/** How often the thread reports its stats (for stats(), health and metrics). */
export const STATS_INTERVAL_MS = 500;

const CONNECTION_LOST: PushOutcome = Object.freeze({ ok: false, reason: 'connection_lost' });
const TOO_MANY_REQUESTS: PushOutcome = Object.freeze({ ok: false, reason: 'too_many_requests' });
const SERVICE_INTERNAL: PushOutcome = Object.freeze({ ok: false, reason: 'service_internal' });

export interface ThreadedApnsOptions {
  endpoint?: string;
  ca?: string;
  privateKeyPem?: string;
}

export class ThreadedApnsPushService implements PushDispatcher {
  private worker!: Worker;
  /** True while the current thread is up; sends made meanwhile wait in the batch (bounded by the gate). */
  private live = false;
  private readonly pending = new Map<number, (outcome: PushOutcome) => void>();
  private nextId = 0;
  private batchIds: number[] = [];
  private batch: ApnsRequest[] = [];
  private flushScheduled = false;
  private lastStats: ApnsServiceStats | undefined;
  /** The sender thread's event-loop utilization over its last report interval (0..1). */
  threadUtilization = 0;
  /** The sender thread's V8 heap in bytes, as last reported. */
  threadHeapUsed = 0;
  private closing: Promise<void> | undefined;
  private readonly capacity: number;
  private readonly defaults: ApnsRequestDefaults;

  private constructor(private readonly init: SenderThreadInit) {
    this.capacity = init.apns.connections * init.senderMailboxCapacity;
    this.defaults = { defaultTopic: init.apns.default_topic, expirationS: init.apns.expiration_s };
  }

  static async start(apns: ApnsConfig, senderMailboxCapacity: number, options: ThreadedApnsOptions = {}): Promise<ThreadedApnsPushService> {
    const service = new ThreadedApnsPushService({
      apns,
      senderMailboxCapacity,
      endpoint: options.endpoint,
      ca: options.ca,
      privateKeyPem: options.privateKeyPem,
      statsIntervalMs: STATS_INTERVAL_MS,
    });
    await service.spawn();
    return service;
  }

  /** Notifications handed to the thread and not yet settled. */
  get outstanding(): number {
    return this.pending.size;
  }

  send(notification: PushNotification): Promise<PushOutcome> {
    if (this.closing) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the APNS push service is closed');
    if (this.pending.size >= this.capacity) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `${this.pending.size} notifications wait for the APNS sender thread`);
    }
    // Prepared here, where there is CPU to spare: the sender thread only sends. Local refusals
    // (not APNS, bad token, payload over 4096 bytes...) never cross the thread.
    if (notification.service !== 'apns') return Promise.resolve(LOCAL_REJECTIONS.noMatchingPool);
    const prepared = prepareApnsRequest(notification, this.defaults, Date.now());
    if (isRejection(prepared)) return Promise.resolve(prepared);
    const id = this.nextId++;
    this.batchIds.push(id);
    this.batch.push(prepared);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return new Promise<PushOutcome>((resolve) => this.pending.set(id, resolve));
  }

  /** The thread's last reported stats (at most STATS_INTERVAL_MS old). */
  stats(): ApnsServiceStats {
    return this.lastStats ?? { inFlight: 0, queued: 0, outstanding: this.pending.size, tokensMinted: 0, senders: [] };
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
    this.post({ type: 'send', ids: this.batchIds, requests: this.batch });
    this.batchIds = [];
    this.batch = [];
  };

  private post(msg: ToSenderThread): void {
    this.worker.postMessage(msg);
  }

  private spawn(): Promise<void> {
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
            if (msg.utilization !== undefined) this.threadUtilization = msg.utilization;
            if (msg.heapUsed !== undefined) this.threadHeapUsed = msg.heapUsed;
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
            reject(new HeraldError('HERALD_TRANSPORT', `the APNS sender thread failed to start: ${msg.message}`));
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
          if (!this.closing) void this.spawn().catch(() => {});
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  private settle(id: number, outcome: PushOutcome | { thrown: string; message: string }): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    if ('thrown' in outcome) {
      // The gate above keeps the thread's mailboxes from filling; if they still did, it is overload.
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
