/**
 * One pool, whatever its provider and wherever its senders run: the selector the configuration
 * gave it (name, service, mode, tags), its provider's request builder, its resolved credentials,
 * and its senders — actor + HTTP/2 connection pairs on the main thread (http2/sender-group.ts)
 * or on sender threads (threaded/sender-threads.ts), which pick the sender (balancer.ts).
 *
 * `send` refuses what can be refused without the provider (oversize payload, unusable token or
 * header values), then hands the request to the senders; when every sender is full they throw
 * HERALD_MAILBOX_FULL at once (backpressure: REST answers 429, XMPP wait/resource-constraint).
 */
import { HeraldError } from '../../core/errors.js';
import { carryKey } from '../../core/latency-trace.js';
import { isRejection, type PushRejection } from '../http2/rejections.js';
import type { SenderGroupStats } from '../http2/sender-group.js';
import type { PushNotification, PushOutcome } from '../notification.js';
import type { SenderThreadStats } from '../threaded/sender-thread-handle.js';
import type { PoolSelector } from './pool-specs.js';
import type { PoolStats, RunningPool } from './push-pools.js';

/** The senders' own stats: per sender, and per thread when they run on threads. */
export interface SendersStats extends SenderGroupStats {
  threads?: SenderThreadStats[];
}

/** A pool's senders: they take prepared requests and choose which sender sends each. */
export interface PoolSenders<R> {
  /** True once close() was called: nothing more is accepted. */
  readonly closed: boolean;
  /** Resolves with the outcome; throws at once HERALD_MAILBOX_FULL when no sender has room. */
  submit(prepared: R): Promise<PushOutcome>;
  stats(): SendersStats;
  /** Refuses new requests, lets accepted ones finish (≤ graceMs; default: every attempt and wait), closes. */
  close(graceMs?: number): Promise<void>;
}

/** What a pool needs of its provider (APNS or FCM). */
export interface PoolProvider<R> {
  /** Names the provider in errors: `APNS`, `FCM`. */
  readonly label: string;
  /** The request for a notification of this pool's service, or a refusal decided without the provider. */
  prepare(notification: PushNotification): R | PushRejection;
  /** Tokens the pool's credentials issued so far: JWTs signed, access tokens fetched (0 with a client certificate). */
  tokensIssued(): number;
}

export class PushPool<R extends object = object, A = unknown> implements RunningPool {
  readonly service: PoolSelector['service'];
  readonly name: string;
  readonly mode: PoolSelector['mode'];
  readonly tags: readonly string[];

  constructor(
    selector: PoolSelector,
    /** The pool's resolved credentials (pools/credentials.ts). */
    readonly auth: A,
    private readonly provider: PoolProvider<R>,
    readonly senders: PoolSenders<R>,
  ) {
    this.service = selector.service;
    this.name = selector.name;
    this.mode = selector.mode;
    this.tags = selector.tags;
  }

  /**
   * Resolves with the outcome; never rejects for a provider's answer. The notification is of this
   * pool's service: the pool was selected for it (select-pool.ts). Throws at once (not a rejected
   * promise) HERALD_MAILBOX_FULL when every sender is full, HERALD_SHUTTING_DOWN after close().
   * Returned outcomes may be shared frozen objects.
   */
  send(notification: PushNotification): Promise<PushOutcome> {
    if (this.senders.closed) throw new HeraldError('HERALD_SHUTTING_DOWN', `the ${this.provider.label} pool ${this.name} is closed`);
    const prepared = this.provider.prepare(notification);
    if (isRejection(prepared)) return Promise.resolve(prepared);
    carryKey(notification, prepared);
    return this.senders.submit(prepared);
  }

  stats(): PoolStats {
    const s = this.senders.stats();
    return {
      inFlight: s.inFlight,
      queued: s.queued,
      connectionStates: s.senders.map((x) => x.connection.state),
      counters: s.counters,
      retryBudgetExhausted: s.retryBudgetExhausted,
      ...(s.threads !== undefined && { threads: s.threads }),
      ...lastEvictionOf(s.senders),
    };
  }

  /** Per-sender detail (tests, benchmarks) and the tokens the credentials issued. */
  senderStats(): SendersStats & { tokensIssued: number } {
    return { ...this.senders.stats(), tokensIssued: this.provider.tokensIssued() };
  }

  close(graceMs?: number): Promise<void> {
    return this.senders.close(graceMs);
  }
}

/** Why the first connection that is down lost its session, as a spreadable field. */
function lastEvictionOf(senders: SendersStats['senders']): { lastEviction?: string } {
  for (const s of senders) {
    const why = s.connection.lastEviction;
    if (s.connection.state !== 'connected' && why !== undefined) return { lastEviction: why };
  }
  return {};
}
