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
 *
 * A sharded Herald (shards/shard-ops.ts) has one set of pools per thread: the main thread's
 * (REST) and each shard's (XMPP). A pool's check then has one entry per thread, told apart by
 * `componentId` (draft §4: "a unique identifier of an instance of a specific sub-component"):
 * none for the main thread's, `shard-<i>` for a shard's. A shard that is down (dead, restarting,
 * not answering) has a `fail` entry for each of its pools, and a `shard` check with one entry
 * per shard; while one is down the overall status is `warn`: the users and nodes it owns get no
 * push, the others do.
 */

export interface PoolHealth {
  /** Pool name as configured, e.g. `apns-prod`. */
  name: string;
  connected: number;
  disconnected: number;
  /** Sender threads not running now (dead, or waiting to be restarted); 0 or absent without threads. */
  threadsDown?: number;
  /** The thread whose pool this is, when there are several (`shard-0`, …); absent for the main thread's. */
  componentId?: string;
  /**
   * Connects only when a push needs it (Web Push: per push-service origin), so having no
   * connection yet is not being down. APNS and FCM pools connect at start: none is `fail`.
   */
  onDemand?: boolean;
}

/** One shard of a sharded Herald, as the `shard` check reports it. */
export interface ShardHealth {
  shard: number;
  /** `up`: answered; `down`: dead or being started again; `not_answering`: alive, but silent past shards.ops_timeout_ms. */
  state: 'up' | 'down' | 'not_answering';
  /** Live actors of each kind on the shard (absent when it did not answer). */
  liveUsers?: number;
  liveNodes?: number;
}

/** The store's check: `fail` while it is full (new registrations and nodes are refused). */
export interface StoreHealth {
  usedBytes: number;
  maxBytes: number;
  full: boolean;
}

export type PoolStatus = 'pass' | 'warn' | 'fail';

type Check =
  | { componentId?: string; output: { connected: number; disconnected: number }; status: PoolStatus; time: string }
  | { output: { used_bytes: number; max_bytes: number }; status: 'pass' | 'fail'; time: string }
  | { componentId: string; output: { state: ShardHealth['state']; live_users?: number; live_nodes?: number }; status: 'pass' | 'fail'; time: string };

export interface HealthReport {
  status: 200 | 503;
  body: {
    description: string;
    details: Record<string, Check[]>;
    releaseID: string;
    /** `warn` (draft-inadarei-api-health-check §3.1): pushes flow, but the store is full or a shard is down. */
    status: 'pass' | 'fail' | 'warn';
    version: string;
  };
}

/**
 * With `store`, a `store` check is added; a full store makes the overall status `warn` but not
 * the HTTP status 503: pushes still flow, and restarting the process would not empty the store.
 */
export function healthReport(pools: readonly PoolHealth[], releaseId: string, now: Date = new Date(), store?: StoreHealth, shards?: readonly ShardHealth[]): HealthReport {
  const time = now.toISOString();
  const details: HealthReport['body']['details'] = {};
  // A pool that connects on demand and has no connection yet (Web Push before its first push) is
  // not down: it is `pass`, and neither makes nor saves the overall status.
  let anyUp = pools.every(isIdle);
  for (const pool of pools) {
    anyUp ||= pool.connected > 0;
    const check: Check = { output: { connected: pool.connected, disconnected: pool.disconnected }, status: poolStatus(pool), time };
    if (pool.componentId !== undefined) check.componentId = pool.componentId;
    (details[`pool:${pool.name}`] ??= []).push(check);
  }
  if (store) {
    details.store = [{ output: { used_bytes: store.usedBytes, max_bytes: store.maxBytes }, status: store.full ? 'fail' : 'pass', time }];
  }
  if (shards) details.shard = shards.map((shard) => shardCheck(shard, time));
  const shardDown = shards?.some((shard) => shard.state !== 'up') ?? false;
  return {
    status: anyUp ? 200 : 503,
    body: {
      description: 'Health of Herald connections to FCM and APNS services',
      details,
      releaseID: releaseId,
      status: !anyUp ? 'fail' : store?.full || shardDown ? 'warn' : 'pass',
      version: releaseId.split('.')[0] ?? releaseId,
    },
  };
}

/** An on-demand pool that has not needed a connection yet. */
function isIdle(pool: PoolHealth): boolean {
  return pool.onDemand === true && pool.connected === 0 && pool.disconnected === 0 && (pool.threadsDown ?? 0) === 0;
}

export function poolStatus(pool: PoolHealth): PoolStatus {
  if (isIdle(pool)) return 'pass';
  if (pool.connected === 0) return 'fail';
  return (pool.threadsDown ?? 0) > 0 ? 'warn' : 'pass';
}

function shardCheck(shard: ShardHealth, time: string): Check {
  const output: { state: ShardHealth['state']; live_users?: number; live_nodes?: number } = { state: shard.state };
  if (shard.liveUsers !== undefined) output.live_users = shard.liveUsers;
  if (shard.liveNodes !== undefined) output.live_nodes = shard.liveNodes;
  return { componentId: `shard-${shard.shard}`, output, status: shard.state === 'up' ? 'pass' : 'fail', time };
}
