/**
 * What `GET /healthcheck` and `GET /metrics` read: every pool's `stats()` (the state its senders
 * already keep, at most STATS_INTERVAL_MS old with sender threads), never work sent through them.
 */
import { processFailureCounts } from '../../core/process-failures.js';
import type { ConnectionState as ApnsConnectionState } from '../http2/connection.js';
import type { PoolStats, RunningPool } from '../pools/push-pools.js';
import { healthReport, type HealthReport, type PoolHealth } from './healthcheck.js';
import { CONNECTION_STATES, renderMetrics, renderProcessMetrics, type PushServiceMetrics } from './metrics.js';
import { renderStoreMetrics } from './store-metrics.js';
import type { StoreUsage } from '../../store/size-guard.js';

export interface OpsSource {
  health(): HealthReport;
  /** Prometheus text; `rest` (HTTP status → answers) is added by the REST server. */
  metrics(rest?: ReadonlyMap<number, number>): string;
}

export function poolHealth(name: string, stats: PoolStats): PoolHealth {
  let connected = 0;
  for (const state of stats.connectionStates) if (state === 'connected') connected++;
  const health: PoolHealth = { name, connected, disconnected: stats.connectionStates.length - connected };
  if (stats.threads !== undefined) health.threadsDown = stats.threads.filter((t) => t.state !== 'up').length;
  return health;
}

export function poolMetrics(pool: Pick<RunningPool, 'service' | 'name'>, stats: PoolStats): PushServiceMetrics {
  const connections = Object.fromEntries(CONNECTION_STATES.map((s) => [s, 0])) as Record<ApnsConnectionState, number>;
  for (const state of stats.connectionStates) connections[state]++;
  const metrics: PushServiceMetrics = { service: pool.service, pool: pool.name, counters: stats.counters, retryBudgetExhausted: stats.retryBudgetExhausted, inFlight: stats.inFlight, mailboxDepth: stats.queued, connections };
  if (stats.threads !== undefined) metrics.threads = stats.threads;
  return metrics;
}

/** `store`: the LMDB store's usage, reported as the `store` check and the herald_store_* families. */
export function poolsOpsSource(pools: readonly RunningPool[], releaseId: string, store?: () => StoreUsage): OpsSource {
  const snapshot = () => pools.map((pool) => ({ pool, stats: pool.stats() }));
  return {
    health: () => healthReport(snapshot().map(({ pool, stats }) => poolHealth(pool.name, stats)), releaseId, new Date(), store?.()),
    metrics: (rest) => {
      let text = renderMetrics(snapshot().map(({ pool, stats }) => poolMetrics(pool, stats)), rest);
      if (store) text += renderStoreMetrics(store());
      const counts = processFailureCounts();
      return counts === undefined ? text : text + renderProcessMetrics(counts);
    },
  };
}
