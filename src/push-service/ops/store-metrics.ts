/**
 * The LMDB store's families in `GET /metrics` (Prometheus text format 0.0.4, as metrics.ts):
 * how full it is against `store.max_size_mib`, and how many writes a full store refused.
 */
import type { StoreUsage } from '../../store/size-guard.js';
import { family, sample } from './metrics.js';

export function renderStoreMetrics(usage: StoreUsage): string {
  return [
    family('herald_store_used_bytes', 'gauge', 'Bytes of the LMDB store in use (pages in use x page size).', [sample('herald_store_used_bytes', [], usage.usedBytes)]),
    family('herald_store_max_bytes', 'gauge', 'The bound store.max_size_mib, in bytes.', [sample('herald_store_max_bytes', [], usage.maxBytes)]),
    family('herald_store_full', 'gauge', '1 while the store is at its bound and new entries are refused.', [sample('herald_store_full', [], usage.full ? 1 : 0)]),
    family('herald_store_writes_refused_total', 'counter', 'Writes refused because the store was full (HERALD_STORE_FULL).', [sample('herald_store_writes_refused_total', [], usage.refusedWrites)]),
  ].join('');
}
