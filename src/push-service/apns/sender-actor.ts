/**
 * A sender: one actor owning one ApnsConnection. Its bounded mailbox IS the queue of
 * notifications waiting for a stream: the handler waits for a free in-flight slot, starts the
 * request and returns without awaiting the answer, so nact hands it the next message while the
 * answer travels; the answer settles the caller's promise. There is no other queue, except the
 * retry list, which holds only requests that were in flight (so never more than the in-flight cap).
 *
 * Transport failures are sent again, on a fresh connection when the old one was evicted, up to
 * `transportRetries` times; provider rejections and timeouts are final here.
 */
import { performance } from 'node:perf_hooks';
import type { Ref } from 'nact';
import { ActorCell } from '../../actors/index.js';
import { isHeraldError } from '../../core/errors.js';
import type { PushOutcome } from '../notification.js';
import type { SendCounters } from '../ops/send-counters.js';
import type { ApnsConnection, ApnsConnectionStats } from './connection.js';
import type { ApnsExchangeListener } from './exchange.js';
import type { ApnsRequest } from './headers.js';
import type { TokenSource } from './jwt.js';
import type { PushRejection } from './outcome.js';
import type { ApnsTransportError, TransportFailureKind } from './transport-error.js';

export interface ApnsSenderOptions {
  /** nact parent of the sender actor (the runtime's system). */
  parent: Ref<unknown>;
  /** nact actor name, unique under `parent` ([a-z0-9-]). */
  name: string;
  /** Notifications that may wait for a stream (config `actors.sender_mailbox_capacity`). */
  mailboxCapacity: number;
  /** Resends of one notification after transport failures (config `apns.transport_retries`). */
  transportRetries: number;
  connection: ApnsConnection;
  /** The process-wide token provider, shared by every sender. */
  tokens: TokenSource;
  /** Where outcomes, retries and latencies are counted (metrics); shared by a service's senders. */
  counters?: SendCounters;
}

export interface ApnsSenderStats {
  mailboxDepth: number;
  mailboxCapacity: number;
  /** Notifications waiting to be resent after a transport failure. */
  retriesPending: number;
  /** Notifications accepted and not yet settled (queued + in flight + retrying). */
  outstanding: number;
  connection: ApnsConnectionStats;
}

/** One notification on its way: the mailbox message, and the listener of each attempt. */
class ApnsJob implements ApnsExchangeListener {
  /** Transport retries spent. */
  retries = 0;
  settled = false;
  /** performance.now() when the first attempt went on the wire; 0 = never sent. */
  startedAt = 0;
  constructor(
    readonly request: ApnsRequest,
    private readonly sender: ApnsSender,
    readonly resolve: (outcome: PushOutcome) => void,
  ) {}

  onOutcome(outcome: PushOutcome): void {
    this.sender.settle(this, outcome);
  }

  onTransportFailure(error: ApnsTransportError): void {
    this.sender.transportFailed(this, error);
  }
}

/** Wakes an idle actor so that it sends its pending retries. */
const WAKE = Object.freeze({ wake: true });
type SenderMessage = ApnsJob | typeof WAKE;

/** Shared final outcomes of a spent retry budget; they carry no per-request data. */
const UNABLE_TO_CONNECT: PushRejection = Object.freeze({ ok: false, reason: 'unable_to_connect' });
const CONNECTION_LOST: PushRejection = Object.freeze({ ok: false, reason: 'connection_lost' });
const SERVICE_INTERNAL: PushRejection = Object.freeze({ ok: false, reason: 'service_internal' });

export class ApnsSender {
  private readonly cell: ActorCell<SenderMessage, void>;
  private readonly connection: ApnsConnection;
  private readonly tokens: TokenSource;
  private readonly transportRetries: number;
  private readonly counters: SendCounters | undefined;
  private readonly retryQueue: ApnsJob[] = [];
  private wakePending = false;
  private outstandingCount = 0;
  private aborted = false;
  private onDrained: (() => void) | undefined = undefined;

  constructor(options: ApnsSenderOptions) {
    this.connection = options.connection;
    this.tokens = options.tokens;
    this.transportRetries = options.transportRetries;
    this.counters = options.counters;
    // The behaviour keeps no state of its own: if nact ever rebuilt it, nothing would be lost.
    this.cell = new ActorCell<SenderMessage, void>(
      options.parent,
      options.name,
      options.name,
      () => ({ handle: (msg) => this.handle(msg) }),
      { capacity: options.mailboxCapacity },
    );
  }

  /** Mailbox room left: the service only submits when this is true. */
  get hasRoom(): boolean {
    return this.cell.depth < this.cell.capacity;
  }

  /** What the service balances on: waiting + in flight + retrying. */
  get load(): number {
    return this.cell.depth + this.connection.inFlight + this.retryQueue.length;
  }

  get outstanding(): number {
    return this.outstandingCount;
  }

  /** Queues one notification; throws HERALD_MAILBOX_FULL at once when the mailbox is full. */
  submit(request: ApnsRequest): Promise<PushOutcome> {
    let resolve!: (outcome: PushOutcome) => void;
    const promise = new Promise<PushOutcome>((r) => {
      resolve = r;
    });
    this.cell.tell(new ApnsJob(request, this, resolve));
    this.outstandingCount++;
    return promise;
  }

  stats(): ApnsSenderStats {
    return {
      mailboxDepth: this.cell.depth,
      mailboxCapacity: this.cell.capacity,
      retriesPending: this.retryQueue.length,
      outstanding: this.outstandingCount,
      connection: this.connection.stats(),
    };
  }

  /**
   * Waits until every accepted notification is settled (at most `graceMs`), then closes the
   * connection and stops the actor. After the grace period the connection is destroyed: what
   * is still in flight or queued ends as `connection_lost`.
   */
  async close(graceMs: number): Promise<void> {
    if (this.outstandingCount > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([this.drained(), grace]);
      clearTimeout(timer);
      if (this.outstandingCount > 0) {
        this.aborted = true;
        await this.connection.destroy();
        await this.drained(); // every job now fails fast: whenReady rejects, retries are refused
      }
    }
    await this.connection.close();
    this.cell.stop();
  }

  // ---- called by ApnsJob ----

  settle(job: ApnsJob, outcome: PushOutcome): void {
    if (job.settled) return;
    job.settled = true;
    this.outstandingCount--;
    const counters = this.counters;
    if (counters !== undefined) {
      if (outcome.ok) counters.sent++;
      else counters.reject(outcome.reason);
      if (job.startedAt !== 0) counters.observeSeconds((performance.now() - job.startedAt) / 1_000);
    }
    job.resolve(outcome);
    if (this.outstandingCount === 0) this.onDrained?.();
  }

  transportFailed(job: ApnsJob, error: ApnsTransportError): void {
    if (this.aborted || job.retries >= this.transportRetries) {
      this.settle(job, finalTransportOutcome(error.kind));
      return;
    }
    job.retries++;
    if (this.counters !== undefined) this.counters.retries++;
    this.retryQueue.push(job);
    this.wake();
  }

  // ---- the actor's behaviour ----

  private handle(msg: SenderMessage): void | Promise<void> {
    if (msg === WAKE) this.wakePending = false;
    // Fast path, no promise: nothing to resend and a stream free now.
    if (msg instanceof ApnsJob && this.retryQueue.length === 0 && this.connection.ready()) {
      this.start(msg);
      return;
    }
    return this.sendInOrder(msg);
  }

  /** Resends first (they were accepted earlier), then the message itself. */
  private async sendInOrder(msg: SenderMessage): Promise<void> {
    let retry: ApnsJob | undefined;
    while ((retry = this.retryQueue.shift()) !== undefined) await this.startWhenReady(retry);
    if (msg instanceof ApnsJob) await this.startWhenReady(msg);
  }

  private async startWhenReady(job: ApnsJob): Promise<void> {
    try {
      while (!this.connection.ready()) await this.connection.whenReady();
    } catch (e) {
      this.settle(job, isHeraldError(e, 'HERALD_SHUTTING_DOWN') ? CONNECTION_LOST : SERVICE_INTERNAL);
      return;
    }
    this.start(job);
  }

  private start(job: ApnsJob): void {
    let authorization: string;
    try {
      authorization = this.tokens.authorization();
    } catch {
      this.settle(job, SERVICE_INTERNAL); // the key was checked at start; signing cannot fail later
      return;
    }
    if (job.startedAt === 0) job.startedAt = performance.now();
    try {
      this.connection.request(job.request, authorization, job);
    } catch {
      this.settle(job, SERVICE_INTERNAL); // a Herald bug must not leave the caller waiting forever
    }
  }

  /** Makes sure a handler runs soon to send the retries. */
  private wake(): void {
    if (this.wakePending) return;
    try {
      this.cell.tell(WAKE);
      this.wakePending = true;
    } catch (e) {
      // Full mailbox: a queued message's handler sends the retries first anyway.
      if (isHeraldError(e, 'HERALD_MAILBOX_FULL')) return;
      // Stopped actor: nobody will send them.
      for (const job of this.retryQueue.splice(0)) this.settle(job, CONNECTION_LOST);
    }
  }

  private drained(): Promise<void> {
    if (this.outstandingCount === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.onDrained = resolve;
    });
  }
}

function finalTransportOutcome(kind: TransportFailureKind): PushRejection {
  return kind === 'connect' ? UNABLE_TO_CONNECT : CONNECTION_LOST;
}
