/**
 * `GET /healthcheck` in MongoosePush's format (draft-inadarei-api-health-check): connections
 * counted per pool, `pass` for a pool with at least one connected connection. The answer is 503
 * only when every pool is down, 200 otherwise. Pure: it reads the state the senders already keep
 * (their stats), it never sends work through them.
 *
 * A pool with sender threads is `pass` only while every thread runs: with one down (dead, or
 * restarting after a failed start) but a connection still up, it is `warn` (draft §3: "healthy,
 * with some concerns"; it serves on fewer connections), and with none connected `fail`. The
 * connections of a thread that is not running count as disconnected.
 */

export interface PoolHealth {
  /** Pool name as configured, e.g. `apns-prod`. */
  name: string;
  connected: number;
  disconnected: number;
  /** Sender threads not running now (dead, or waiting to be restarted); 0 or absent without threads. */
  threadsDown?: number;
}

export type PoolStatus = 'pass' | 'warn' | 'fail';

export interface HealthReport {
  status: 200 | 503;
  body: {
    description: string;
    details: Record<string, Array<{ output: { connected: number; disconnected: number }; status: PoolStatus; time: string }>>;
    releaseID: string;
    status: 'pass' | 'fail';
    version: string;
  };
}

export function healthReport(pools: readonly PoolHealth[], releaseId: string, now: Date = new Date()): HealthReport {
  const time = now.toISOString();
  const details: HealthReport['body']['details'] = {};
  let anyUp = false;
  for (const pool of pools) {
    const up = pool.connected > 0;
    anyUp ||= up;
    details[`pool:${pool.name}`] = [
      { output: { connected: pool.connected, disconnected: pool.disconnected }, status: poolStatus(pool), time },
    ];
  }
  return {
    status: anyUp ? 200 : 503,
    body: {
      description: 'Health of Herald connections to FCM and APNS services',
      details,
      releaseID: releaseId,
      status: anyUp ? 'pass' : 'fail',
      version: releaseId.split('.')[0] ?? releaseId,
    },
  };
}

export function poolStatus(pool: PoolHealth): PoolStatus {
  if (pool.connected === 0) return 'fail';
  return (pool.threadsDown ?? 0) > 0 ? 'warn' : 'pass';
}
