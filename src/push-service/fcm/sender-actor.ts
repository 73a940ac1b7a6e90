/**
 * An FCM sender: one actor owning one FcmConnection, built like the APNS sender: its bounded
 * mailbox is the queue of sends waiting for a stream; the handler gets an access token, waits for
 * a free stream, starts the request and returns without awaiting the answer.
 *
 * Resent: transport failures, up to `transportRetries` times; and once, a send answered 401
 * UNAUTHENTICATED (reference apns-fcm.md: "may just mean the access token expired: refresh and
 * retry once"), after invalidating the token it used. Other answers and timeouts are final.
 */
import type { Ref } from 'nact';
import { ActorCell } from '../../actors/index.js';
import { isHeraldError } from '../../core/errors.js';
import type { PushOutcome } from '../notification.js';
import type { PushRejection } from '../apns/outcome.js';
import type { ApnsTransportError as TransportError } from '../apns/transport-error.js';
import type { FcmConnection, FcmConnectionStats } from './connection.js';
import type { ExchangeListener } from './exchange.js';
import type { FcmRequest } from './message.js';
import type { AccessTokenSource } from './oauth.js';

/** A 401 is retried this many times per send: one fresh token settles "expired"; more would loop. */
export const AUTH_RETRIES = 1;
/** 401s with these FcmError codes are configuration problems, not an expired token. */
const AUTH_CONFIG_ERRORS: ReadonlySet<string> = new Set(['THIRD_PARTY_AUTH_ERROR', 'APNS_AUTH_ERROR']);

export interface FcmSenderOptions {
  parent: Ref<unknown>;
  /** nact actor name, unique under `parent`. */
  name: string;
  /** Sends that may wait for a stream (config `actors.sender_mailbox_capacity`). */
  mailboxCapacity: number;
  /** Resends after transport failures (config `fcm.transport_retries`). */
  transportRetries: number;
  /** `/v1/projects/{project_id}/messages:send` */
  path: string;
  connection: FcmConnection;
  tokens: AccessTokenSource;
}

export interface FcmSenderStats {
  mailboxDepth: number;
  mailboxCapacity: number;
  retriesPending: number;
  outstanding: number;
  connection: FcmConnectionStats;
}

class FcmJob implements ExchangeListener {
  retries = 0;
  authRetries = 0;
  settled = false;
  /** The access token of the current attempt. */
  token = '';
  constructor(
    readonly request: FcmRequest,
    private readonly sender: FcmSender,
    readonly resolve: (outcome: PushOutcome) => void,
  ) {}

  onOutcome(outcome: PushOutcome): void {
    this.sender.answered(this, outcome);
  }

  onTransportFailure(error: TransportError): void {
    this.sender.transportFailed(this, error);
  }
}

const WAKE = Object.freeze({ wake: true });
type SenderMessage = FcmJob | typeof WAKE;

const UNABLE_TO_CONNECT: PushRejection = Object.freeze({ ok: false, reason: 'unable_to_connect' });
const CONNECTION_LOST: PushRejection = Object.freeze({ ok: false, reason: 'connection_lost' });
const SERVICE_INTERNAL: PushRejection = Object.freeze({ ok: false, reason: 'service_internal' });

export class FcmSender {
  private readonly cell: ActorCell<SenderMessage, void>;
  private readonly retryQueue: FcmJob[] = [];
  private wakePending = false;
  private outstandingCount = 0;
  private aborted = false;
  private onDrained: (() => void) | undefined = undefined;

  constructor(private readonly options: FcmSenderOptions) {
    this.cell = new ActorCell<SenderMessage, void>(
      options.parent,
      options.name,
      options.name,
      () => ({ handle: (msg) => this.sendInOrder(msg) }),
      { capacity: options.mailboxCapacity },
    );
  }

  get connection(): FcmConnection {
    return this.options.connection;
  }

  get hasRoom(): boolean {
    return this.cell.depth < this.cell.capacity;
  }

  get load(): number {
    return this.cell.depth + this.connection.inFlight + this.retryQueue.length;
  }

  get outstanding(): number {
    return this.outstandingCount;
  }

  /** Queues one send; throws HERALD_MAILBOX_FULL at once when the mailbox is full. */
  submit(request: FcmRequest): Promise<PushOutcome> {
    let resolve!: (outcome: PushOutcome) => void;
    const promise = new Promise<PushOutcome>((r) => {
      resolve = r;
    });
    this.cell.tell(new FcmJob(request, this, resolve));
    this.outstandingCount++;
    return promise;
  }

  stats(): FcmSenderStats {
    return {
      mailboxDepth: this.cell.depth,
      mailboxCapacity: this.cell.capacity,
      retriesPending: this.retryQueue.length,
      outstanding: this.outstandingCount,
      connection: this.connection.stats(),
    };
  }

  /** Waits (≤ graceMs) for accepted sends, then closes; what is left ends as connection_lost. */
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
        await this.drained();
      }
    }
    await this.connection.close();
    this.cell.stop();
  }

  // ---- called by FcmJob ----

  settle(job: FcmJob, outcome: PushOutcome): void {
    if (job.settled) return;
    job.settled = true;
    this.outstandingCount--;
    job.resolve(outcome);
    if (this.outstandingCount === 0) this.onDrained?.();
  }

  answered(job: FcmJob, outcome: PushOutcome): void {
    if (
      !outcome.ok &&
      outcome.status === 401 &&
      !AUTH_CONFIG_ERRORS.has(outcome.providerReason ?? '') &&
      job.authRetries < AUTH_RETRIES &&
      !this.aborted
    ) {
      job.authRetries++;
      this.options.tokens.invalidate(job.token);
      this.retry(job);
      return;
    }
    this.settle(job, outcome);
  }

  transportFailed(job: FcmJob, error: TransportError): void {
    if (this.aborted || job.retries >= this.options.transportRetries) {
      this.settle(job, error.kind === 'connect' ? UNABLE_TO_CONNECT : CONNECTION_LOST);
      return;
    }
    job.retries++;
    this.retry(job);
  }

  // ---- the actor's behaviour ----

  private retry(job: FcmJob): void {
    this.retryQueue.push(job);
    this.wake();
  }

  /** Resends first (they were accepted earlier), then the message itself. */
  private async sendInOrder(msg: SenderMessage): Promise<void> {
    if (msg === WAKE) this.wakePending = false;
    let retry: FcmJob | undefined;
    while ((retry = this.retryQueue.shift()) !== undefined) await this.start(retry);
    if (msg instanceof FcmJob) await this.start(msg);
  }

  private async start(job: FcmJob): Promise<void> {
    try {
      job.token = await this.options.tokens.accessToken();
      while (!this.connection.ready()) await this.connection.whenReady();
    } catch (e) {
      // Closed meanwhile, or no access token to be had (token endpoint down, key refused).
      this.settle(job, isHeraldError(e, 'HERALD_SHUTTING_DOWN') ? CONNECTION_LOST : SERVICE_INTERNAL);
      return;
    }
    try {
      this.connection.request(this.options.path, job.request.body, job.token, job);
    } catch {
      this.settle(job, SERVICE_INTERNAL); // a Herald bug must not leave the caller waiting
    }
  }

  private wake(): void {
    if (this.wakePending) return;
    try {
      this.cell.tell(WAKE);
      this.wakePending = true;
    } catch (e) {
      if (isHeraldError(e, 'HERALD_MAILBOX_FULL')) return; // a queued message sends retries first
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
