/**
 * Herald's push families of `GET /metrics`, as prom-client metrics. The counts themselves live
 * where they are made — plain integers the senders bump (send-counters.ts), snapshots the
 * sender threads and shards post — and are copied into these families when a scrape is
 * recorded, so a push costs no prom-client call. prom-client renders the Prometheus text
 * exposition format 0.0.4 (HELP and TYPE per family, escaped label values, cumulative buckets).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { ConnectionState } from '../http2/connection.js';
import type { SenderThreadStats } from '../threaded/sender-thread-handle.js';
import type { ActorFigures } from './engine-figures.js';
import type { SendCountersSnapshot } from './send-counters.js';
import { SendSecondsHistogram, type PoolLabel } from './send-seconds-histogram.js';

/** The Content-Type of the exposition format prom-client writes. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export const CONNECTION_STATES: readonly ConnectionState[] = ['idle', 'connecting', 'connected', 'backoff', 'closed'];

/** What one pool of a push service (`apns`, `fcm`) exposes. */
export interface PushServiceMetrics {
  service: string;
  /** The pool's configured name (`apns-prod`, `fcm`, …). */
  pool: string;
  counters: SendCountersSnapshot;
  /** Retries refused by an empty retry budget so far. */
  retryBudgetExhausted: number;
  /** Requests on the wire now. */
  inFlight: number;
  /** Notifications waiting in sender mailboxes now. */
  mailboxDepth: number;
  /** Connections per state now. */
  connections: Readonly<Record<ConnectionState, number>>;
  /** One entry per sender thread; absent when the senders run on the main thread. */
  threads?: readonly SenderThreadStats[];
  /**
   * The shard whose pool this is (a sharded Herald: the XMPP roles' pools live in the shards);
   * absent for the main thread's own (REST). Its series carry a `shard` label; `sum by (pool)`
   * gives the process's figure (an absent label and an empty one are the same series to Prometheus).
   */
  shard?: string;
}

/** The live actors of one engine: the process's (no label) or a shard's (`shard` label). */
export interface ActorMetrics {
  shard?: string;
  actors: ActorFigures;
}

/** The labels every pool series carries (PoolLabel). */
function poolLabels(s: PushServiceMetrics): Partial<Record<PoolLabel, string>> {
  return s.shard === undefined ? { service: s.service, pool: s.pool } : { service: s.service, pool: s.pool, shard: s.shard };
}

/** The push families, registered in `registry`; `record` sets them from one scrape's pools. */
export class PushFamilies {
  private readonly sent: Counter<PoolLabel>;
  private readonly rejected: Counter<PoolLabel | 'reason'>;
  private readonly retries: Counter<PoolLabel>;
  private readonly budgetExhausted: Counter<PoolLabel>;
  private readonly timeouts: Counter<PoolLabel>;
  private readonly inFlight: Gauge<PoolLabel>;
  private readonly mailboxDepth: Gauge<PoolLabel>;
  private readonly connections: Gauge<PoolLabel | 'state'>;
  private readonly sendSeconds: SendSecondsHistogram;
  private readonly threadUp: Gauge<PoolLabel | 'thread'>;
  private readonly threadExits: Counter<PoolLabel>;
  private readonly threadStartFailures: Counter<PoolLabel>;
  private readonly threadRestarts: Counter<PoolLabel>;

  constructor(registry: Registry) {
    const registers = [registry];
    const pool = ['service', 'pool', 'shard'] as const;
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers });
    this.sent = counter('herald_push_sent_total', 'Notifications the provider accepted.', pool);
    this.rejected = counter('herald_push_rejected_total', 'Notifications that did not end in a delivery, by reason.', [...pool, 'reason']);
    this.retries = counter('herald_push_retries_total', 'Notifications resent after a transport failure.', pool);
    this.budgetExhausted = counter('herald_push_retry_budget_exhausted_total', 'Retries not made because the retry budget was empty (the failure was reported at once).', pool);
    this.timeouts = counter('herald_push_timeouts_total', 'Requests left unanswered by the provider within the request timeout.', pool);
    this.inFlight = gauge('herald_push_in_flight', 'Requests on the wire.', pool);
    this.mailboxDepth = gauge('herald_push_mailbox_depth', 'Notifications waiting in sender mailboxes.', pool);
    this.connections = gauge('herald_push_connections', 'Provider connections by state.', [...pool, 'state']);
    this.sendSeconds = new SendSecondsHistogram(registers);
    this.threadUp = gauge('herald_sender_thread_up', 'Sender threads running (1) or dead or restarting (0), per thread.', [...pool, 'thread']);
    this.threadExits = counter('herald_sender_thread_exits_total', 'Sender threads that died after they were up.', pool);
    this.threadStartFailures = counter(
      'herald_sender_thread_start_failures_total',
      'Sender thread starts that failed (e.g. ERR_WORKER_INIT_FAILED when out of file descriptors); each is retried after a backoff.',
      pool,
    );
    this.threadRestarts = counter('herald_sender_thread_restarts_total', 'Sender threads running again after they died or failed to start.', pool);
  }

  /** Sets every push family from the pools' figures (the registry was reset before). */
  record(services: readonly PushServiceMetrics[]): void {
    for (const s of services) {
      const labels = poolLabels(s);
      this.sent.inc(labels, s.counters.sent);
      for (const [reason, n] of Object.entries(s.counters.rejected).sort(([a], [b]) => a.localeCompare(b))) this.rejected.inc({ ...labels, reason }, n ?? 0);
      this.retries.inc(labels, s.counters.retries);
      this.budgetExhausted.inc(labels, s.retryBudgetExhausted);
      this.timeouts.inc(labels, s.counters.timeouts);
      this.inFlight.set(labels, s.inFlight);
      this.mailboxDepth.set(labels, s.mailboxDepth);
      for (const state of CONNECTION_STATES) this.connections.set({ ...labels, state }, s.connections[state]);
      this.sendSeconds.record(labels, s.counters.latency);
      if (s.threads !== undefined) this.recordThreads(labels, s.threads);
    }
  }

  /** Sender-thread families: only pools whose senders run on threads have samples. */
  private recordThreads(labels: Partial<Record<PoolLabel, string>>, threads: readonly SenderThreadStats[]): void {
    const total = (key: 'exits' | 'startFailures' | 'restarts'): number => threads.reduce((sum, t) => sum + t[key], 0);
    threads.forEach((t, i) => this.threadUp.set({ ...labels, thread: String(i) }, t.state === 'up' ? 1 : 0));
    this.threadExits.inc(labels, total('exits'));
    this.threadStartFailures.inc(labels, total('startFailures'));
    this.threadRestarts.inc(labels, total('restarts'));
  }
}

/** herald_live_actors by kind (`user`, `node`), per shard when sharded. */
export class ActorFamily {
  private readonly live: Gauge<'kind' | 'shard'>;

  constructor(registry: Registry) {
    this.live = new Gauge({
      name: 'herald_live_actors',
      help: 'Actors alive now (idle ones are passivated, bounded by actors.max_live_actors), by kind: user (XMPP Server role), node (App Server role).',
      labelNames: ['kind', 'shard'],
      registers: [registry],
    });
  }

  record(engines: readonly ActorMetrics[]): void {
    for (const { shard, actors } of engines) {
      const where = shard === undefined ? {} : { shard };
      this.live.set({ kind: 'user', ...where }, actors.users);
      this.live.set({ kind: 'node', ...where }, actors.nodes);
    }
  }
}
