/**
 * What `GET /healthcheck` and `GET /metrics` read: every pool's `stats()` (the state its senders
 * already keep, at most STATS_INTERVAL_MS old with sender threads), never work sent through them.
 */
import type { ConnectionState as ApnsConnectionState } from '../http2/connection.js';
import type { PoolStats, RunningPool } from '../pools/push-pools.js';
import { healthReport, type HealthReport, type PoolHealth } from './healthcheck.js';
import type { ActorFigures, PoolFigures } from './engine-figures.js';
import { HeraldMetrics, type MetricsFigures } from './herald-metrics.js';
import { CONNECTION_STATES, type PushServiceMetrics } from './metrics.js';
import type { RestMetricsSource } from './rest-metrics.js';
import type { ComponentLeadershipFigures } from './component-link-metrics.js';
import type { StoreUsage } from '../../store/size-guard.js';
import type { PluginFailureCount } from '../../plugins/plugin-chain.js';

/**
 * What /healthcheck and /metrics are answered from. A sharded Herald's asks its shards, so its
 * health may come later (a promise); the unsharded one answers at once. Metrics are rendered by
 * prom-client, which answers with a promise.
 */
export interface OpsSource {
  health(): HealthReport | Promise<HealthReport>;
  /** Prometheus text; `rest` (the REST port's counts) is added by the REST server. */
  metrics(rest?: RestMetricsSource): Promise<string>;
}

/** An OpsSource whose health answers at once (one engine's own pools). */
export interface ImmediateOpsSource extends OpsSource {
  health(): HealthReport;
}

export function poolHealth({ name, service }: Pick<RunningPool, 'name' | 'service'>, stats: PoolStats): PoolHealth {
  let connected = 0;
  for (const state of stats.connectionStates) if (state === 'connected') connected++;
  const health: PoolHealth = { name, connected, disconnected: stats.connectionStates.length - connected };
  // Web Push connects to a push service when a push first goes there (one sender group per origin).
  if (service === 'webpush') health.onDemand = true;
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
 * `actors`: the live actors, as herald_live_actors; `componentLeadership`: the host's
 * (HeraldHost.componentLeadership), as the herald_component_* families; `plugins`: the plugins'
 * hook failures (undefined without plugins), as herald_plugin_failures_total.
 */
export function poolsOpsSource(
  pools: readonly RunningPool[],
  releaseId: string,
  store?: () => StoreUsage,
  actors?: () => ActorFigures,
  componentLeadership?: () => ComponentLeadershipFigures | undefined,
  plugins?: () => PluginFailureCount[] | undefined,
): ImmediateOpsSource {
  const metrics = new HeraldMetrics();
  return {
    health: () => healthReport(poolFigures(pools).map((p) => poolHealth(p, p.stats)), releaseId, new Date(), store?.()),
    metrics: (rest) => {
      const figures: MetricsFigures = { services: poolFigures(pools).map((p) => poolMetrics(p, p.stats)), actors: actors ? [{ actors: actors() }] : [] };
      if (store) figures.store = store();
      if (rest) figures.rest = rest;
      const leadership = componentLeadership?.();
      if (leadership !== undefined) figures.componentLeadership = leadership;
      const failures = plugins?.();
      if (failures !== undefined) figures.plugins = [{ failures }];
      return metrics.render(figures);
    },
  };
}
