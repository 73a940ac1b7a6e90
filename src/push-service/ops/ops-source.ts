/**
 * What `GET /healthcheck` and `GET /metrics` read: every pool's `stats()` (the state its senders
 * already keep, at most STATS_INTERVAL_MS old with sender threads), never work sent through them.
 */
import { processFailureCounts } from '../../core/process-failures.js';
import type { ConnectionState as ApnsConnectionState } from '../http2/connection.js';
import type { PoolStats, RunningPool } from '../pools/push-pools.js';
import { healthReport, type HealthReport, type PoolHealth } from './healthcheck.js';
import type { ActorFigures, PoolFigures } from './engine-figures.js';
import { CONNECTION_STATES, renderActorMetrics, renderMetrics, renderProcessMetrics, type PushServiceMetrics } from './metrics.js';
import { renderStoreMetrics } from './store-metrics.js';
import type { StoreUsage } from '../../store/size-guard.js';

/**
 * What /healthcheck and /metrics are answered from. A sharded Herald's asks its shards, so its
 * answers may come later (a promise); the unsharded one answers at once.
 */
export interface OpsSource {
  health(): HealthReport | Promise<HealthReport>;
  /** Prometheus text; `rest` (HTTP status → answers) is added by the REST server. */
  metrics(rest?: ReadonlyMap<number, number>): string | Promise<string>;
}

/** An OpsSource that answers at once (one engine's own pools). */
export interface ImmediateOpsSource extends OpsSource {
  health(): HealthReport;
  metrics(rest?: ReadonlyMap<number, number>): string;
}

export function poolHealth(name: string, stats: PoolStats): PoolHealth {
  let connected = 0;
  for (const state of stats.connectionStates) if (state === 'connected') connected++;
  const health: PoolHealth = { name, connected, disconnected: stats.connectionStates.length - connected };
  if (stats.threads !== undefined) health.threadsDown = stats.threads.filter((t) => t.state !== 'up').length;
  return health;
}

export function poolMetrics(pool: Pick<RunningPool, 'service' | 'name'>, stats: PoolStats, shard?: number): PushServiceMetrics {
  const connections = Object.fromEntries(CONNECTION_STATES.map((s) => [s, 0])) as Record<ApnsConnectionState, number>;
  for (const state of stats.connectionStates) connections[state]++;
  const metrics: PushServiceMetrics = { service: pool.service, pool: pool.name, counters: stats.counters, retryBudgetExhausted: stats.retryBudgetExhausted, inFlight: stats.inFlight, mailboxDepth: stats.queued, connections };
  if (stats.threads !== undefined) metrics.threads = stats.threads;
  if (shard !== undefined) metrics.shard = String(shard);
  return metrics;
}

/** The pools' figures now (their `stats()`, which read what the senders keep). */
export function poolFigures(pools: readonly RunningPool[]): PoolFigures[] {
  return pools.map((pool) => ({ service: pool.service, name: pool.name, stats: pool.stats() }));
}

/**
 * `store`: the LMDB store's usage, reported as the `store` check and the herald_store_* families;
 * `actors`: the live actors, as herald_live_actors.
 */
export function poolsOpsSource(pools: readonly RunningPool[], releaseId: string, store?: () => StoreUsage, actors?: () => ActorFigures): ImmediateOpsSource {
  return {
    health: () => healthReport(poolFigures(pools).map((p) => poolHealth(p.name, p.stats)), releaseId, new Date(), store?.()),
    metrics: (rest) => {
      let text = renderMetrics(poolFigures(pools).map((p) => poolMetrics(p, p.stats)), rest);
      if (actors) text += renderActorMetrics([{ actors: actors() }]);
      return text + processMetrics(store);
    },
  };
}

/** The store's and the process's families (the latter only where `herald start` installed its handlers). */
export function processMetrics(store: (() => StoreUsage) | undefined): string {
  let text = store ? renderStoreMetrics(store()) : '';
  const counts = processFailureCounts();
  if (counts !== undefined) text += renderProcessMetrics(counts);
  return text;
}
