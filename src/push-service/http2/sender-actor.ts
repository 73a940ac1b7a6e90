/**
 * A sender: one actor owning one Http2Connection, for any provider. Its bounded mailbox IS the
 * queue of notifications waiting for a stream: the handler waits for a free in-flight slot,
 * starts the request and returns without awaiting the answer, so nact hands it the next message
 * while the answer travels; the answer settles the caller's promise.
 *
 * What to resend and when is the RetryPolicy's call. A retry waits on its own timer, not in the
 * actor: the sender keeps sending other notifications meanwhile; when the timer fires the
 * notification joins the retry queue, which the actor empties before its next message. Waiting
 * and queued retries still count as outstanding (close() waits for them) and take mailbox room
 * (backpressure: `hasRoom`). The provider-specific part is a SenderProvider: header blocks, the
 * credential, and FCM's "refresh the token and retry once" on a 401.
 */
import type { OutgoingHttpHeaders } from 'node:http2';
import { performance } from 'node:perf_hooks';
import type { Ref } from 'nact';
import { ActorCell } from '../../actors/index.js';
import { isHeraldError } from '../../core/errors.js';
import { keyOf, mark, tracing } from '../../core/latency-trace.js';
import type { PushOutcome } from '../notification.js';
import type { SendCounters } from '../ops/send-counters.js';
import type { ConnectionStats, Http2Connection } from './connection.js';
import type { ExchangeListener } from './exchange.js';
import { TRANSPORT_OUTCOMES, type PushRejection } from './rejections.js';
import { GIVE_UP, type RetryPolicy } from './retry-policy.js';
import { SAFE_TO_RESEND, transportOutcome, UNBUDGETED_RESENDS, type TransportError } from './transport-error.js';

/**
 * Resends of one notification after its credential was refused and dropped: one fresh credential
 * settles "expired" (reference apns-fcm.md, FCM: "refresh and retry once"); more would loop.
 */
export const CREDENTIAL_RETRIES = 1;

/** What the sender needs to know about its provider. */
export interface SenderProvider<R> {
  /**
   * The `authorization` header value for the next attempt ('' = send none, e.g. APNS certificate
   * auth): a string when one is at hand, a promise while one is being fetched. May throw.
   */
  authorization(): string | Promise<string>;
  /** The header block of one attempt (the credential may differ between attempts). */
  headers(request: R, authorization: string): OutgoingHttpHeaders;
  /** JSON text (APNS, FCM) or octets (Web Push: an aes128gcm record). */
  body(request: R): string | Buffer;
  /** Handed to the AnswerReader with the answer (APNS apns-id; '' when the provider has none). */
  requestId(request: R): string;
  /**
   * An answer refused the credential the attempt carried: drop that credential and return true
   * to resend at once with a fresh one (at most CREDENTIAL_RETRIES times).
   */
  credentialRefused?(outcome: PushRejection, authorization: string): boolean;
}

export interface SenderOptions<R> {
  /** nact parent of the sender actor (the runtime's system). */
  parent: Ref<unknown>;
  /** nact actor name, unique under `parent` ([a-z0-9-]). */
  name: string;
  /** Notifications that may wait for a stream or a retry (config `actors.sender_mailbox_capacity`). */
  mailboxCapacity: number;
  connection: Http2Connection;
  provider: SenderProvider<R>;
  /** Shared by a service's senders (one retry budget per service). */
  retryPolicy: RetryPolicy;
  /** Where outcomes, retries and latencies are counted (metrics); shared by a service's senders. */
  counters?: SendCounters;
}

export interface SenderStats {
  mailboxDepth: number;
  mailboxCapacity: number;
  /** Notifications waiting to be resent: on their backoff timer or queued for the actor. */
  retriesPending: number;
  /** Notifications accepted and not yet settled (queued + in flight + retrying). */
  outstanding: number;
  connection: ConnectionStats;
}

/** One notification on its way: the mailbox message, and the listener of each attempt. */
class SendJob<R> implements ExchangeListener {
  /** Policy retries spent. */
  retries = 0;
  credentialRetries = 0;
  /** Total ms this notification waited on retry timers. */
  heldMs = 0;
  settled = false;
  /** performance.now() when the first attempt went on the wire; 0 = never sent. */
  startedAt = 0;
  /** The credential of the current attempt. */
  authorization = '';
  /** What it ends as if its pending retry never happens (close() gave up on it). */
  lastFailure: PushRejection | undefined = undefined;
  retryTimer: NodeJS.Timeout | undefined = undefined;
  constructor(
    readonly request: R,
    private readonly sender: Http2Sender<R>,
    readonly resolve: (outcome: PushOutcome) => void,
  ) {}

  onOutcome(outcome: PushOutcome, retryAfter?: string): void {
    this.sender.answered(this, outcome, retryAfter);
  }

  onTransportFailure(error: TransportError): void {
    this.sender.transportFailed(this, error);
  }
}

/** Wakes an idle actor so that it sends its queued retries. */
const WAKE = Object.freeze({ wake: true });
type SenderMessage<R> = SendJob<R> | typeof WAKE;

export class Http2Sender<R> {
  private readonly cell: ActorCell<SenderMessage<R>, void>;
  private readonly connection: Http2Connection;
  private readonly provider: SenderProvider<R>;
  private readonly policy: RetryPolicy;
  private readonly counters: SendCounters | undefined;
  /** Retries due now, sent before the next mailbox message (they were accepted earlier). */
  private readonly retryQueue: SendJob<R>[] = [];
  /** Retries waiting on their timer. */
  private readonly waiting = new Set<SendJob<R>>();
  private wakePending = false;
  private outstandingCount = 0;
  private aborted = false;
  private onDrained: (() => void) | undefined = undefined;

  constructor(options: SenderOptions<R>) {
    this.connection = options.connection;
    this.provider = options.provider;
    this.policy = options.retryPolicy;
    this.counters = options.counters;
    // The behaviour keeps no state of its own: if nact ever rebuilt it, nothing would be lost.
    this.cell = new ActorCell<SenderMessage<R>, void>(
      options.parent,
      options.name,
      options.name,
      () => ({ handle: (msg) => this.handle(msg) }),
      { capacity: options.mailboxCapacity },
    );
  }

  /** Room left for one more notification: waiting retries take mailbox room too. */
  get hasRoom(): boolean {
    return this.cell.depth + this.waiting.size + this.retryQueue.length < this.cell.capacity;
  }

  /** What the service balances on: waiting + in flight + retrying. */
  get load(): number {
    return this.cell.depth + this.connection.inFlight + this.retryQueue.length + this.waiting.size;
  }

  get outstanding(): number {
    return this.outstandingCount;
  }

  /** Its connection cannot send before a reconnect backoff ends (Http2Connection `unreachable`). */
  get unreachable(): boolean {
    return this.connection.unreachable;
  }

  /** Queues one notification; throws HERALD_MAILBOX_FULL at once when the mailbox is full. */
  submit(request: R): Promise<PushOutcome> {
    let resolve!: (outcome: PushOutcome) => void;
    const promise = new Promise<PushOutcome>((r) => {
      resolve = r;
    });
    this.enqueue(request, resolve);
    return promise;
  }

  /**
   * `submit` without a promise: `done` is called once with the outcome (a sender thread relays
   * it at once, so a promise and its reaction job per request would be pure overhead). Throws as
   * `submit` does, and then never calls `done`.
   */
  enqueue(request: R, done: (outcome: PushOutcome) => void): void {
    this.cell.tell(new SendJob(request, this, done));
    this.outstandingCount++;
  }

  stats(): SenderStats {
    return {
      mailboxDepth: this.cell.depth,
      mailboxCapacity: this.cell.capacity,
      retriesPending: this.retryQueue.length + this.waiting.size,
      outstanding: this.outstandingCount,
      connection: this.connection.stats(),
    };
  }

  /**
   * Waits until every accepted notification is settled (at most `graceMs`), then closes the
   * connection and stops the actor. After the grace period the connection is destroyed: what
   * is still in flight or queued ends as `connection_lost`, a retry still waiting as the failure
   * that made it wait.
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
        for (const job of this.waiting) {
          clearTimeout(job.retryTimer);
          this.settle(job, job.lastFailure ?? TRANSPORT_OUTCOMES.connectionLost);
        }
        this.waiting.clear();
        await this.connection.destroy();
        await this.drained(); // every job now fails fast: whenReady rejects, retries are refused
      }
    }
    await this.connection.close();
    this.cell.stop();
  }

  // ---- called by SendJob ----

  settle(job: SendJob<R>, outcome: PushOutcome): void {
    if (job.settled) return;
    job.settled = true;
    this.outstandingCount--;
    const counters = this.counters;
    if (counters !== undefined) {
      if (outcome.ok) counters.sent++;
      else counters.reject(outcome.reason);
      if (job.startedAt !== 0) counters.observeSeconds((performance.now() - job.startedAt) / 1_000);
    }
    if (tracing) mark('apns.answered', keyOf(job.request as object));
    job.resolve(outcome);
    if (this.outstandingCount === 0) this.onDrained?.();
  }

  answered(job: SendJob<R>, outcome: PushOutcome, retryAfter: string | undefined): void {
    if (outcome.ok || this.aborted) {
      this.settle(job, outcome);
      return;
    }
    const provider = this.provider;
    if (
      provider.credentialRefused !== undefined &&
      job.credentialRetries < CREDENTIAL_RETRIES &&
      provider.credentialRefused(outcome, job.authorization)
    ) {
      job.credentialRetries++;
      this.retryAfter(job, 0, outcome);
      return;
    }
    const delay = this.policy.afterRejection(outcome, retryAfter, job.retries, job.heldMs);
    if (delay === GIVE_UP) {
      this.settle(job, outcome);
      return;
    }
    job.retries++;
    this.retryAfter(job, delay, outcome);
  }

  transportFailed(job: SendJob<R>, error: TransportError): void {
    const outcome = transportOutcome(error.kind);
    const delay =
      this.aborted || !SAFE_TO_RESEND.has(error.kind)
        ? GIVE_UP
        : this.policy.afterTransportFailure(job.retries, job.heldMs, !UNBUDGETED_RESENDS.has(error.kind));
    if (delay === GIVE_UP) {
      this.settle(job, outcome);
      return;
    }
    job.retries++;
    this.retryAfter(job, delay, outcome);
  }

  // ---- retries ----

  private retryAfter(job: SendJob<R>, delayMs: number, failure: PushRejection): void {
    if (this.counters !== undefined) this.counters.retries++;
    job.lastFailure = failure;
    if (delayMs <= 0) {
      this.requeue(job);
      return;
    }
    job.heldMs += delayMs;
    this.waiting.add(job);
    // Ref'd: a notification is pending. close() clears it.
    job.retryTimer = setTimeout(this.retryDue, delayMs, job);
  }

  private readonly retryDue = (job: SendJob<R>): void => {
    job.retryTimer = undefined;
    if (!this.waiting.delete(job)) return;
    this.requeue(job);
  };

  private requeue(job: SendJob<R>): void {
    this.retryQueue.push(job);
    this.wake();
  }

  /** Makes sure a handler runs soon to send the queued retries. */
  private wake(): void {
    if (this.wakePending) return;
    try {
      this.cell.tell(WAKE);
      this.wakePending = true;
    } catch (e) {
      // Full mailbox: a queued message's handler sends the retries first anyway.
      if (isHeraldError(e, 'HERALD_MAILBOX_FULL')) return;
      // Stopped actor: nobody will send them.
      for (const job of this.retryQueue.splice(0)) this.settle(job, job.lastFailure ?? TRANSPORT_OUTCOMES.connectionLost);
    }
  }

  // ---- the actor's behaviour ----

  private handle(msg: SenderMessage<R>): void | Promise<void> {
    if (!(msg instanceof SendJob)) {
      this.wakePending = false;
    } else if (this.retryQueue.length === 0 && this.connection.ready()) {
      // Fast path, no promise: nothing to resend, a stream free now and a credential at hand.
      let authorization: string | Promise<string>;
      try {
        authorization = this.provider.authorization();
      } catch {
        this.settle(msg, TRANSPORT_OUTCOMES.serviceInternal); // the key was checked at start
        return;
      }
      if (typeof authorization === 'string') {
        this.send(msg, authorization);
        return;
      }
      return this.sendInOrder(msg, authorization);
    }
    return this.sendInOrder(msg, undefined);
  }

  /** Resends first (they were accepted earlier), then the message itself. */
  private async sendInOrder(msg: SenderMessage<R>, fetching: Promise<string> | undefined): Promise<void> {
    let retry: SendJob<R> | undefined;
    while ((retry = this.retryQueue.shift()) !== undefined) await this.sendWhenReady(retry, undefined);
    if (msg instanceof SendJob) await this.sendWhenReady(msg, fetching);
  }

  private async sendWhenReady(job: SendJob<R>, fetching: Promise<string> | undefined): Promise<void> {
    let authorization: string;
    try {
      if (!(await this.waitForConnection(job))) return;
      const current = fetching ?? this.provider.authorization();
      if (typeof current === 'string') {
        authorization = current;
      } else {
        authorization = await current; // a credential being fetched (FCM access token)
        if (!(await this.waitForConnection(job))) return;
      }
    } catch (e) {
      // Closed meanwhile, or no credential to be had (token endpoint down, key refused).
      const closing = isHeraldError(e, 'HERALD_SHUTTING_DOWN');
      this.settle(job, closing ? (job.lastFailure ?? TRANSPORT_OUTCOMES.connectionLost) : TRANSPORT_OUTCOMES.serviceInternal);
      return;
    }
    this.send(job, authorization);
  }

  /**
   * Waits for a free stream on a usable session. A reconnect backoff is waited out only while
   * the notification's hold budget (`retry_after_max_ms`) allows; past it the notification ends
   * at once as its last failure (`unable_to_connect` if it never got out): after failed connects
   * the backoff grows to 30 s, longer than any caller waits. False when it ended so.
   */
  private async waitForConnection(job: SendJob<R>): Promise<boolean> {
    while (!this.connection.ready()) {
      const backoff = this.connection.backoffLeftMs;
      if (backoff > 0) {
        if (!this.policy.mayHold(job.heldMs, backoff)) {
          this.settle(job, job.lastFailure ?? TRANSPORT_OUTCOMES.unableToConnect);
          return false;
        }
        job.heldMs += backoff;
      }
      await this.connection.whenReady();
    }
    return true;
  }

  private send(job: SendJob<R>, authorization: string): void {
    if (tracing) mark('apns.sent', keyOf(job.request as object));
    if (job.startedAt === 0) {
      job.startedAt = performance.now();
      this.policy.budget.deposit();
    }
    job.authorization = authorization;
    const provider = this.provider;
    try {
      const request = job.request;
      this.connection.request(provider.headers(request, authorization), provider.body(request), provider.requestId(request), job);
    } catch {
      this.settle(job, TRANSPORT_OUTCOMES.serviceInternal); // a Herald bug must not leave the caller waiting forever
    }
  }

  private drained(): Promise<void> {
    if (this.outstandingCount === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.onDrained = resolve;
    });
  }
}
