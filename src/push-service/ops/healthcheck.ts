/**
 * `GET /healthcheck` in MongoosePush's format (draft-inadarei-api-health-check): connections
 * counted per pool, `pass` for a pool with at least one connected connection. The answer is 503
 * only when every pool is down, 200 otherwise. Pure: it reads the state the senders already keep
 * (their stats), it never sends work through them.
 */

export interface PoolHealth {
  /** Pool name as configured, e.g. `apns-prod`. */
  name: string;
  connected: number;
  disconnected: number;
}

/** The store's check: `fail` while it is full (new registrations and nodes are refused). */
export interface StoreHealth {
  usedBytes: number;
  maxBytes: number;
  full: boolean;
}

type Check =
  | { output: { connected: number; disconnected: number }; status: 'pass' | 'fail'; time: string }
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
      { output: { connected: pool.connected, disconnected: pool.disconnected }, status: up ? 'pass' : 'fail', time },
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
