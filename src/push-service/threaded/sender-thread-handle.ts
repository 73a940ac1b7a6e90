/**
 * The main thread's side of one sender thread: batches requests to it, settles their promises
 * from its answers, keeps its last stats, and supervises it.
 *
 * Supervision: a thread that dies (uncaught error, EMFILE inside it, terminated) ends every
 * notification it held as `connection_lost` (it may have been sent: never resent) and every one
 * it was not handed yet as `unable_to_connect` (never sent); then it is started again after a
 * backoff (restart-streak.ts). A start that fails (ERR_WORKER_INIT_FAILED when the process is out
 * of file descriptors, an error before 'ready') is retried the same way, forever, until the pool
 * is closed. While it is not up the thread takes no work (`hasRoom` is false) and reports no
 * stats, so health and metrics show its connections down.
 *
 * Log: one line when the thread dies, one for the first failed start of a down period (the
 * others are counted), one when it is up again with the number of failed starts.
 */
import { Worker } from 'node:worker_threads';
import { HeraldError } from '../../core/errors.js';
import { replay } from '../../core/log-relay.js';
import { silentLogger, withFields, type Logger } from '../../core/log.js';
import type { SenderGroupStats } from '../http2/sender-group.js';
import type { ApnsRequest } from '../apns/headers.js';
import { answerRefusal } from '../apns/forwarded-token.js';
import type { TokenSource } from '../apns/jwt.js';
import { TRANSPORT_OUTCOMES, type PushRejection } from '../http2/rejections.js';
import type { PushOutcome } from '../notification.js';
import { emptySendCounters, mergeSendCounters, type SendCounters, type SendCountersSnapshot } from '../ops/send-counters.js';
import type { FromSenderThread, SenderThreadInit, ToSenderThread } from './protocol.js';
import { RestartStreak, type RestartSettings } from './restart-streak.js';
import { encodeRequestBatch } from './request-batch.js';

const TOO_MANY_REQUESTS: PushOutcome = Object.freeze({ ok: false, reason: 'too_many_requests' });

type Settled = PushOutcome | { thrown: string; message: string };

/** `starting`: (re)started, not ready yet; `down`: waiting out the restart delay. */
export type SenderThreadState = 'starting' | 'up' | 'down' | 'closed';

/** What health and metrics read of one sender thread. */
export interface SenderThreadStats {
  state: SenderThreadState;
  /** Times the thread died after it was up. */
  exits: number;
  /** Starts that failed before the thread was up (the first start included). */
  startFailures: number;
  /** Times the thread was up again after it died or failed to start. */
  restarts: number;
}

/** Creates the thread's Worker; the default runs sender-thread.js with `init` as workerData. */
export type SenderWorkerFactory = (init: SenderThreadInit) => Worker;

export const defaultSenderWorker: SenderWorkerFactory = (init) =>
  new Worker(new URL('./sender-thread.js', import.meta.url), { workerData: init });

export interface SenderThreadSupervision {
  restart: RestartSettings;
  createWorker?: SenderWorkerFactory;
  log?: Logger;
  /** Where the outcomes decided here (not by the thread) are counted for metrics. */
  counters?: SendCounters;
  /** Names the thread in log lines: its pool and index. */
  pool: string;
  index: number;
}

export class SenderThreadHandle {
  private worker: Worker | undefined;
  private state: SenderThreadState = 'starting';
  private readonly pending = new Map<number, (outcome: PushOutcome) => void>();
  private nextId = 0;
  /** Requests not handed over yet: the last ids given out, `nextId - batch.length` … `nextId - 1`. */
  private batch: ApnsRequest[] = [];
  private flushScheduled = false;
  private closing: Promise<void> | undefined;
  private readonly streak: RestartStreak;
  private readonly createWorker: SenderWorkerFactory;
  private readonly log: Logger;
  private threadLogger: Logger | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  /** When the thread went down (Date.now()); undefined while it has never been down. */
  private downSince: number | undefined;
  /** Failed starts since it went down. */
  private failedStarts = 0;
  private exits = 0;
  private startFailures = 0;
  private restarts = 0;
  /** The running thread's last stats; undefined while it is not up. */
  lastStats: SenderGroupStats | undefined;
  /** What earlier runs of this thread counted (metrics counters must not go back at a restart). */
  earlierCounters: SendCountersSnapshot = emptySendCounters();
  earlierRetryBudgetExhausted = 0;
  /** The thread's event-loop utilization over its last report interval (0..1). */
  utilization = 0;
  /** The thread's V8 heap in bytes, as last reported. */
  heapUsed = 0;

  constructor(
    private readonly init: SenderThreadInit,
    /** Notifications this thread may hold: its mailboxes' total, so they can never overflow. */
    readonly capacity: number,
    /** The pool's provider token; undefined with certificate-based auth (no `authorization` header). */
    private readonly tokens: TokenSource | undefined,
    private readonly supervision: SenderThreadSupervision,
  ) {
    this.streak = new RestartStreak(supervision.restart);
    this.createWorker = supervision.createWorker ?? defaultSenderWorker;
    this.log = supervision.log ?? silentLogger;
  }

  /** Handed over and not yet settled. */
  get outstanding(): number {
    return this.pending.size;
  }

  get up(): boolean {
    return this.state === 'up';
  }

  /** Up, and room for one more notification. */
  get hasRoom(): boolean {
    return this.state === 'up' && this.pending.size < this.capacity;
  }

  /**
   * Room for one more (`hasRoom`), fewer notifications outstanding than its connections have
   * streams (`apns.max_in_flight` each), and a connection not waiting out a backoff: one more
   * can go on the wire at once.
   */
  get canSendAtOnce(): boolean {
    const pool = this.init.pool;
    return this.hasRoom && this.pending.size < pool.connections * pool.transport.max_in_flight && this.connectable;
  }

  /** The balancer's view (pools/balancer.ts): what it holds. */
  get load(): number {
    return this.pending.size;
  }

  /** The balancer's view: as last reported, every connection waits out a reconnect backoff. */
  get unreachable(): boolean {
    return !this.connectable;
  }

  /**
   * As last reported, at least one of its connections is not waiting out a reconnect backoff
   * (true before the first report).
   */
  get connectable(): boolean {
    const senders = this.lastStats?.senders;
    return senders === undefined || senders.some((s) => s.connection.state !== 'backoff');
  }

  /** The connections this thread owns (its share of the pool). */
  get connections(): number {
    return this.init.pool.connections;
  }

  threadStats(): SenderThreadStats {
    return { state: this.state, exits: this.exits, startFailures: this.startFailures, restarts: this.restarts };
  }

  /** Queues a prepared request for the thread; the caller checked `hasRoom`. */
  submit(request: ApnsRequest): Promise<PushOutcome> {
    const id = this.nextId++;
    this.batch.push(request);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return new Promise<PushOutcome>((resolve) => this.pending.set(id, resolve));
  }

  /**
   * The first start: resolves once the thread is ready, rejects if it cannot start (the pool
   * then fails to start, loudly). Later starts are the supervisor's.
   */
  start(): Promise<void> {
    return this.spawn(false);
  }

  close(graceMs?: number): Promise<void> {
    this.closing ??= this.shutDown(graceMs).then(() => {
      this.state = 'closed';
      this.lastStats = undefined;
      this.failBatch();
      this.failPending(TRANSPORT_OUTCOMES.connectionLost);
    });
    return this.closing;
  }

  private async shutDown(graceMs: number | undefined): Promise<void> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.streak.stop();
    const worker = this.worker;
    if (worker === undefined) return; // down: nothing to drain
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    if (this.state !== 'up') {
      await worker.terminate(); // still starting: it holds nothing
      return exited;
    }
    this.flush();
    worker.on('message', (msg: FromSenderThread) => {
      if (msg.type === 'closed') void worker.terminate();
    });
    this.post(worker, { type: 'close', graceMs });
    return exited;
  }

  /** Starts a thread; `supervised`: a restart, whose failure is logged and retried. */
  private spawn(supervised: boolean): Promise<void> {
    this.state = 'starting';
    return new Promise<void>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = this.createWorker(this.init);
      } catch (e) {
        this.startFailed(e, supervised);
        reject(e);
        return;
      }
      this.worker = worker;
      let ready = false;
      /** The first error the thread reported: why it did not start, or why it died. */
      let failure: unknown;
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
              void worker.terminate(); // started while the service was being closed
            } else {
              this.isUp();
            }
            resolve();
            break;
          case 'failed':
            failure ??= new HeraldError('HERALD_SENDER_THREAD', `failed to start: ${msg.message}`);
            void worker.terminate();
            break;
          case 'log':
            replay(this.threadLog, msg.line);
            break;
          case 'token_refused':
            if (this.tokens) void answerRefusal(this.tokens, msg.authorization).then((authorization) => this.post(worker, { type: 'token', authorization }));
            break;
          case 'closed':
            break;
        }
      });
      // ERR_WORKER_INIT_FAILED (e.g. EMFILE) before 'ready'; an uncaught error after it.
      worker.on('error', (e: Error) => {
        failure ??= e;
      });
      worker.on('exit', (code: number) => {
        if (this.worker === worker) this.worker = undefined;
        if (!ready) {
          const error = failure ?? new HeraldError('HERALD_SENDER_THREAD', `exited with code ${code} before it was ready`);
          if (!this.closing) this.startFailed(error, supervised);
          reject(error);
          return;
        }
        if (!this.closing) this.died(code, failure);
      });
    });
  }

  private isUp(): void {
    this.state = 'up';
    this.streak.started();
    if (this.downSince !== undefined) {
      this.restarts++;
      this.log.info('sender_thread.restarted', {
        ...this.names(),
        down_ms: Date.now() - this.downSince,
        failed_starts: this.failedStarts,
      });
      this.downSince = undefined;
      this.failedStarts = 0;
    }
    this.flush();
  }

  private died(exitCode: number, error: unknown): void {
    this.state = 'down';
    this.exits++;
    const last = this.lastStats;
    if (last !== undefined) {
      this.earlierCounters = mergeSendCounters([this.earlierCounters, last.counters]);
      this.earlierRetryBudgetExhausted += last.retryBudgetExhausted;
    }
    this.lastStats = undefined;
    this.utilization = 0;
    this.downSince = Date.now();
    // What the thread held may have reached APNS: lost, never resent. What it never got was never sent.
    this.failPending(TRANSPORT_OUTCOMES.connectionLost, this.firstBatchId);
    this.failBatch();
    const retryInMs = this.scheduleRestart();
    this.log.error('sender_thread.exited', {
      ...this.names(),
      code: 'HERALD_SENDER_THREAD',
      exit_code: exitCode,
      error: error ?? 'no error reported',
      retry_in_ms: retryInMs,
    });
  }

  private startFailed(error: unknown, supervised: boolean): void {
    this.startFailures++;
    if (!supervised) return; // the first start: the caller fails loudly
    this.state = 'down';
    this.downSince ??= Date.now();
    const retryInMs = this.scheduleRestart();
    if (this.failedStarts++ === 0) {
      this.log.error('sender_thread.start_failed', {
        ...this.names(),
        code: 'HERALD_SENDER_THREAD',
        error,
        retry_in_ms: retryInMs,
        note: 'retried with backoff until it starts; further failures are counted, not logged',
      });
    }
  }

  /** Starts the thread again after the streak's delay; returns the delay, ms. */
  private scheduleRestart(): number {
    const delay = this.streak.failed();
    this.state = 'down';
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.closing) this.spawn(true).catch(() => {}); // a failure schedules the next attempt
    }, delay);
    this.restartTimer.unref(); // the pool's owner keeps the process alive, not a restart
    return delay;
  }

  /** The thread's own lines (its HTTP/2 connections), naming the pool and thread. */
  private get threadLog(): Logger {
    return (this.threadLogger ??= withFields(this.log, this.names()));
  }

  private names(): { pool: string; thread: number } {
    return { pool: this.supervision.pool, thread: this.supervision.index };
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const worker = this.worker;
    if (this.batch.length === 0 || this.state !== 'up' || worker === undefined) return;
    const requests = encodeRequestBatch(this.batch);
    this.post(worker, { type: 'send', firstId: this.firstBatchId, requests, authorization: this.tokens?.authorization() ?? '' });
    this.batch = [];
  };

  /** The id of the first request in the batch (ids are given out in batch order). */
  private get firstBatchId(): number {
    return this.nextId - this.batch.length;
  }

  private post(worker: Worker, msg: ToSenderThread): void {
    worker.postMessage(msg);
  }

  private settle(id: number, outcome: Settled): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    if ('thrown' in outcome) {
      // The capacity gate keeps the thread's mailboxes from filling; if they still did, it is overload.
      resolve(outcome.thrown === 'HERALD_MAILBOX_FULL' ? TOO_MANY_REQUESTS : TRANSPORT_OUTCOMES.serviceInternal);
    } else {
      resolve(outcome);
    }
  }

  /** Requests queued for a thread that will never get them: never sent, so `unable_to_connect`. */
  private failBatch(): void {
    const first = this.firstBatchId;
    this.batch = [];
    for (let id = first; id < this.nextId; id++) this.settleHere(id, TRANSPORT_OUTCOMES.unableToConnect);
  }

  /** Settles with an outcome decided on this side (the thread is gone), counted for metrics. */
  private settleHere(id: number, outcome: PushRejection): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    this.supervision.counters?.reject(outcome.reason);
    resolve(outcome);
  }

  /** Settles every pending request below `keepFrom` (those from it on are left to failBatch). */
  private failPending(outcome: PushRejection, keepFrom = Number.POSITIVE_INFINITY): void {
    for (const id of [...this.pending.keys()]) if (id < keepFrom) this.settleHere(id, outcome);
  }
}
