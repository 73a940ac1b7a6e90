/**
 * What `GET /healthcheck` and `GET /metrics` read: built from the APNS service's `stats()` (the
 * state its senders already keep, at most STATS_INTERVAL_MS old with sender threads), never by
 * sending work through the senders.
 */
import type { ApnsServiceStats } from '../apns-service.js';
import type { ApnsConnectionState } from '../apns/connection.js';
import { healthReport, type HealthReport, type PoolHealth } from './healthcheck.js';
import { CONNECTION_STATES, renderMetrics, type PushServiceMetrics } from './metrics.js';

export interface OpsSource {
  health(): HealthReport;
  /** Prometheus text; `rest` (HTTP status → answers) is added by the REST server. */
  metrics(rest?: ReadonlyMap<number, number>): string;
}

/** The single APNS pool until pools are configurable (MongoosePush names pools `<service>-<mode>`). */
export const APNS_POOL = 'apns-prod';

export function apnsPoolHealth(stats: ApnsServiceStats): PoolHealth {
  let connected = 0;
  for (const s of stats.senders) if (s.connection.state === 'connected') connected++;
  return { name: APNS_POOL, connected, disconnected: stats.senders.length - connected };
}

export function apnsMetrics(stats: ApnsServiceStats): PushServiceMetrics {
  const connections = Object.fromEntries(CONNECTION_STATES.map((s) => [s, 0])) as Record<ApnsConnectionState, number>;
  for (const s of stats.senders) connections[s.connection.state]++;
  return { service: 'apns', counters: stats.counters, inFlight: stats.inFlight, mailboxDepth: stats.queued, connections };
}

export function apnsOpsSource(stats: () => ApnsServiceStats, releaseId: string): OpsSource {
  return {
    health: () => healthReport([apnsPoolHealth(stats())], releaseId),
    metrics: (rest) => renderMetrics([apnsMetrics(stats())], rest),
  };
}
