/**
 * A pool's sender actors, each owning one HTTP/2 connection, as APNS and FCM pools both run them
 * (on the main thread, or in each sender thread): one retry budget and one set of counters for the
 * whole group; a notification goes to the sender the balancer picks (pools/balancer.ts: the
 * least loaded with room), and when every sender is full HERALD_MAILBOX_FULL is
 * thrown at once (backpressure: REST answers 429, XMPP wait/resource-constraint). While every
 * connection is unreachable (waiting out a reconnect backoff after failing to connect, e.g. the
 * provider is down or the process is out of file descriptors) a notification is answered
 * `unable_to_connect` at once (REST 503, XMPP wait) instead of waiting up to the backoff.
 */
import type { Ref } from 'nact';
import { HeraldError } from '../../core/errors.js';
import type { PushOutcome } from '../notification.js';
import { TRANSPORT_OUTCOMES } from './rejections.js';
import { SendCounters, type SendCountersSnapshot } from '../ops/send-counters.js';
import { pickSender } from '../pools/balancer.js';
import type { Backoff } from '../../core/backoff.js';
import { withFields, type Logger } from '../../core/log.js';
import type { AnswerReader } from './answer-reader.js';
import { Http2Connection, type ClientCertificate } from './connection.js';
import { closeGraceMs, retryPolicyFor, type RetryConfig } from './retry-config.js';
import type { RetryPolicy } from './retry-policy.js';
import { Http2Sender, type SenderProvider, type SenderStats } from './sender-actor.js';

/** The connection keys both `[apns]` and `[fcm]` have, shared by every pool of the section. */
export interface TransportSettings extends RetryConfig {
  max_in_flight: number;
  reconnect: Backoff;
  ping_interval_ms: number;
}

/** Where a group connects and how: a pool's (pools/pool-specs.ts), or a sender thread's share of it. */
export interface GroupConnections {
  readonly endpoint: string;
  /** Extra CA (PEM) to trust for the endpoint. */
  readonly ca?: string;
  /** One sender actor and HTTP/2 connection each. */
  readonly connections: number;
  readonly transport: TransportSettings;
}

export interface SenderGroupOptions<R> {
  /** Names the provider in errors and actor names ("APNS", "FCM"). */
  label: string;
  pool: GroupConnections;
  /** nact parent of the sender actors (the runtime's system). */
  parent: Ref<unknown>;
  /** Per sender (config `actors.sender_mailbox_capacity`). */
  mailboxCapacity: number;
  clientCertificate?: ClientCertificate;
  answers: AnswerReader;
  provider: SenderProvider<R>;
  /** Jitter source in [0, 1) for reconnect and retry delays; default Math.random. */
  random?: () => number;
  /** Open every connection now and keep it open while idle (Http2Connection `keepWarm`). */
  warmUp?: boolean;
  /** Attempts outside the retry policy that close() should wait for (FCM's fresh-token resend). */
  extraAttempts?: number;
  /**
   * Shared with other groups of the same service (Web Push: one group per push-service origin, one
   * retry budget and one set of counters for all): default, the group's own.
   */
  shared?: { counters: SendCounters; retryPolicy: RetryPolicy };
  /** Where the connections log their sessions (connection-log.ts), each line naming its sender; default nowhere. */
  log?: Logger;
}

export interface SenderTotals {
  inFlight: number;
  queued: number;
  outstanding: number;
}

export interface SenderGroupStats extends SenderTotals {
  senders: SenderStats[];
  /** Outcomes, retries, timeouts and send latencies so far (metrics). */
  counters: SendCountersSnapshot;
  /** Retries refused because the group's retry budget was empty (the failure was reported at once). */
  retryBudgetExhausted: number;
}

/** Makes nact names unique when several groups share one actor runtime. */
let groupSequence = 0;

export class SenderGroup<R> {
  private readonly senders: Http2Sender<R>[] = [];
  private readonly counters: SendCounters;
  private readonly retryPolicy: RetryPolicy;
  private readonly label: string;
  /** Default close() grace, ms: every attempt of a notification and every wait between them. */
  private readonly closeGraceMs: number;
  private closing: Promise<void> | undefined = undefined;

  constructor(options: SenderGroupOptions<R>) {
    const { pool } = options;
    const config = pool.transport;
    this.label = options.label;
    this.closeGraceMs = closeGraceMs(config, options.extraAttempts);
    this.counters = options.shared?.counters ?? new SendCounters();
    this.retryPolicy = options.shared?.retryPolicy ?? retryPolicyFor(config, options.random);
    const prefix = `${options.label.toLowerCase()}-sender-${groupSequence++}`;
    for (let i = 0; i < pool.connections; i++) {
      const name = `${prefix}-${i}`;
      const connection = new Http2Connection({
        endpoint: pool.endpoint,
        label: options.label,
        answers: options.answers,
        ca: pool.ca,
        clientCertificate: options.clientCertificate,
        maxInFlight: config.max_in_flight,
        requestTimeoutMs: config.request_timeout_ms,
        reconnect: config.reconnect,
        pingIntervalMs: config.ping_interval_ms,
        random: options.random,
        keepWarm: options.warmUp,
        log: options.log && withFields(options.log, { sender: name }),
      });
      if (options.warmUp === true) connection.warmUp();
      this.senders.push(
        new Http2Sender({
          parent: options.parent,
          name,
          mailboxCapacity: options.mailboxCapacity,
          connection,
          provider: options.provider,
          retryPolicy: this.retryPolicy,
          counters: this.counters,
        }),
      );
    }
  }

  /** True once close() was called: nothing more is accepted. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Hands a prepared request to the least-loaded sender with room and resolves with its outcome.
   * Throws at once (not a rejected promise) HERALD_MAILBOX_FULL when every sender is full, and
   * HERALD_SHUTTING_DOWN after close().
   */
  submit(prepared: R): Promise<PushOutcome> {
    const sender = this.senderFor();
    if (sender === undefined) return Promise.resolve(TRANSPORT_OUTCOMES.unableToConnect);
    return sender.submit(prepared);
  }

  /** `submit` with a callback instead of a promise (Http2Sender `enqueue`); `done` may be called at once. */
  enqueue(prepared: R, done: (outcome: PushOutcome) => void): void {
    const sender = this.senderFor();
    if (sender === undefined) done(TRANSPORT_OUTCOMES.unableToConnect);
    else sender.enqueue(prepared, done);
  }

  /** The sender to take one more notification; undefined (counted) when none can connect now. */
  private senderFor(): Http2Sender<R> | undefined {
    if (this.closing !== undefined) throw new HeraldError('HERALD_SHUTTING_DOWN', `the ${this.label} senders are closed`);
    if (this.senders.every((s) => s.unreachable)) {
      this.counters.reject('unable_to_connect');
      return undefined;
    }
    const sender = pickSender(this.senders);
    if (sender === undefined) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `all ${this.senders.length} ${this.label} sender mailboxes are full`);
    }
    return sender;
  }

  stats(): SenderGroupStats {
    const senders = this.senders.map((s) => s.stats());
    const totals: SenderTotals = { inFlight: 0, queued: 0, outstanding: 0 };
    for (const s of senders) {
      totals.inFlight += s.connection.inFlight;
      totals.queued += s.mailboxDepth;
      totals.outstanding += s.outstanding;
    }
    return {
      ...totals,
      senders,
      counters: this.counters.snapshot(),
      retryBudgetExhausted: this.retryPolicy.budget.exhausted,
    };
  }

  /**
   * Refuses new notifications, lets accepted ones finish (up to `graceMs`; what is left then ends
   * as `connection_lost`, or as the answer a waiting retry was waiting on), closes the
   * connections and stops the sender actors.
   */
  close(graceMs: number = this.closeGraceMs): Promise<void> {
    this.closing ??= Promise.all(this.senders.map((s) => s.close(graceMs))).then(() => undefined);
    return this.closing;
  }
}
