/**
 * The push service's front door: every configured pool of APNS and FCM senders, and the choice
 * of one per notification (select-pool.ts). A notification no pool takes is answered
 * `no_matching_pool`, as MongoosePush answers it; a chosen pool with every mailbox full throws
 * HERALD_MAILBOX_FULL at once (backpressure).
 */
import type { ConnectionState } from '../http2/connection.js';
import { LOCAL_REJECTIONS } from '../http2/rejections.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../notification.js';
import type { SendCountersSnapshot } from '../ops/send-counters.js';
import type { SenderThreadStats } from '../threaded/sender-thread-handle.js';
import type { PoolSelector } from './pool-specs.js';
import { selectPool } from './select-pool.js';

/** What health and metrics read from a pool: state its senders already keep. */
export interface PoolStats {
  /** Requests on the wire now. */
  inFlight: number;
  /** Notifications waiting in sender mailboxes now. */
  queued: number;
  /** One entry per connection of the pool. */
  connectionStates: ConnectionState[];
  counters: SendCountersSnapshot;
  /** Retries refused because the retry budget was empty (the failure was reported at once). */
  retryBudgetExhausted: number;
  /** One entry per sender thread; absent when the pool's senders run on the main thread. */
  threads?: readonly SenderThreadStats[];
  /** Why a connection that is not connected now lost its last session (GOAWAY, socket error, …). */
  lastEviction?: string;
}

/** A started pool (push-pool.ts) as health, metrics and the shards see it. */
export interface RunningPool extends PoolSelector, PushDispatcher {
  stats(): PoolStats;
  close(graceMs?: number): Promise<void>;
}

export class PushPools implements PushDispatcher {
  /**
   * `stopOnClose`: what watches the pools and must stop with them (the engine's health log,
   * ops/pool-health-log.ts), stopped before the pools close.
   */
  constructor(
    readonly pools: readonly RunningPool[],
    private readonly stopOnClose: ReadonlyArray<() => void> = [],
  ) {}

  send(notification: PushNotification): Promise<PushOutcome> {
    const pool = selectPool(this.pools, notification);
    return pool ? pool.send(notification) : Promise.resolve(LOCAL_REJECTIONS.noMatchingPool);
  }

  /** The pool of that name, if configured. */
  pool(name: string): RunningPool | undefined {
    return this.pools.find((p) => p.name === name);
  }

  /** Refuses new sends in every pool, lets accepted ones finish (≤ graceMs each), closes them. */
  async close(graceMs?: number): Promise<void> {
    for (const stop of this.stopOnClose) stop();
    await Promise.all(this.pools.map((p) => p.close(graceMs)));
  }
}
