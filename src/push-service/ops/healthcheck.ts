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

export interface HealthReport {
  status: 200 | 503;
  body: {
    description: string;
    details: Record<string, Array<{ output: { connected: number; disconnected: number }; status: 'pass' | 'fail'; time: string }>>;
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
      { output: { connected: pool.connected, disconnected: pool.disconnected }, status: up ? 'pass' : 'fail', time },
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
