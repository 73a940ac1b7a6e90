/**
 * The log's side of /healthcheck: every POOL_HEALTH_CHECK_MS each pool's status is computed as
 * /healthcheck computes it, and a change is one line — `push.pool_down` (error: no connection
 * up, e.g. APNS unreachable or connects failing with EMFILE), `push.pool_degraded` (warn: a
 * sender thread is not running, the others serve) and `push.pool_up` (info: all well again,
 * after how long). A pool that flaps writes at most one line per check, whatever the cause.
 */
import type { Logger } from '../../core/log.js';
import type { RunningPool } from '../pools/push-pools.js';
import { poolStatus, type PoolStatus } from './healthcheck.js';
import { poolHealth } from './ops-source.js';

/**
 * ms between checks: a few stats reports of the sender threads (STATS_INTERVAL_MS, 500 ms),
 * short enough that the log marks an outage within a second or two of /healthcheck.
 */
const POOL_HEALTH_CHECK_MS = 1_000;

const EVENTS: Readonly<Record<PoolStatus, { event: string; level: 'info' | 'warn' | 'error' }>> = {
  fail: { event: 'push.pool_down', level: 'error' },
  warn: { event: 'push.pool_degraded', level: 'warn' },
  pass: { event: 'push.pool_up', level: 'info' },
};

/** Logs each pool's health changes through `log` until the returned function is called. */
export function watchPoolHealth(pools: ReadonlyArray<Pick<RunningPool, 'name' | 'service' | 'stats'>>, log: Logger, intervalMs = POOL_HEALTH_CHECK_MS): () => void {
  /** Last status seen per pool, and since when (ms) it was not `pass`. */
  const last = new Map<string, { status: PoolStatus; since: number }>();
  const check = (): void => {
    const now = Date.now();
    for (const pool of pools) {
      const stats = pool.stats();
      const health = poolHealth(pool, stats);
      const status = poolStatus(health);
      const before = last.get(pool.name);
      if (before?.status === status) continue;
      last.set(pool.name, { status, since: now });
      if (before === undefined && status === 'pass') continue; // healthy from the start: nothing to say
      const { event, level } = EVENTS[status];
      log[level](event, {
        pool: pool.name,
        connected: health.connected,
        disconnected: health.disconnected,
        ...(health.threadsDown !== undefined && { threads_down: health.threadsDown }),
        ...(before !== undefined && { was: before.status, for_ms: now - before.since }),
        ...(status !== 'pass' && { last_error: stats.lastEviction }),
      });
    }
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
