/**
 * Which pool takes a notification (MongoosePush's pool selection): the first configured pool of
 * the notification's service whose mode is the notification's (`prod` when unset) — or `any` —
 * and whose tags include every tag the notification names. None → `no_matching_pool`.
 */
import type { PushNotification } from '../notification.js';
import type { PoolSelector } from './pool-specs.js';

export function selectPool<P extends PoolSelector>(
  pools: readonly P[],
  n: Pick<PushNotification, 'service' | 'mode' | 'tags'>,
): P | undefined {
  const mode = n.mode ?? 'prod';
  for (const pool of pools) {
    if (pool.service !== n.service) continue;
    if (pool.mode !== 'any' && pool.mode !== mode) continue;
    if (n.tags !== undefined && !n.tags.every((tag) => pool.tags.includes(tag))) continue;
    return pool;
  }
  return undefined;
}
