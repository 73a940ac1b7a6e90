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

/** The store's check: `fail` while it is full (new registrations and nodes are refused). */
export interface StoreHealth {
  usedBytes: number;
  maxBytes: number;
  full: boolean;
}

export type PoolStatus = 'pass' | 'warn' | 'fail';

type Check =
  | { output: { connected: number; disconnected: number }; status: PoolStatus; time: string }
  | { output: { used_bytes: number; max_bytes: number }; status: 'pass' | 'fail'; time: string };

export interface HealthReport {
  status: 200 | 503;
  body: {
    description: string;
    details: Record<string, Check[]>;
    releaseID: string;
    /** `warn` (draft-inadarei-api-health-check §3.1): pushes flow, but the store is full. */
    status: 'pass' | 'fail' | 'warn';
    version: string;
  };
}

/**
 * With `store`, a `store` check is added; a full store makes the overall status `warn` but not
 * the HTTP status 503: pushes still flow, and restarting the process would not empty the store.
 */
export function healthReport(pools: readonly PoolHealth[], releaseId: string, now: Date = new Date(), store?: StoreHealth): HealthReport {
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
  if (store) {
    details.store = [{ output: { used_bytes: store.usedBytes, max_bytes: store.maxBytes }, status: store.full ? 'fail' : 'pass', time }];
  }
  return {
    status: anyUp ? 200 : 503,
    body: {
      description: 'Health of Herald connections to FCM and APNS services',
      details,
      releaseID: releaseId,
      status: !anyUp ? 'fail' : store?.full ? 'warn' : 'pass',
      version: releaseId.split('.')[0] ?? releaseId,
    },
  };
}

export function poolStatus(pool: PoolHealth): PoolStatus {
  if (pool.connected === 0) return 'fail';
  return (pool.threadsDown ?? 0) > 0 ? 'warn' : 'pass';
}
