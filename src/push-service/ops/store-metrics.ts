/**
 * The LMDB store's families in `GET /metrics`: how full it is against `store.max_size_mib`, and
 * how many writes a full store refused (the store keeps the counts; a scrape copies them).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StoreUsage } from '../../store/size-guard.js';

export class StoreFamilies {
  private readonly used: Gauge;
  private readonly max: Gauge;
  private readonly full: Gauge;
  private readonly refused: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.used = new Gauge({ name: 'herald_store_used_bytes', help: 'Bytes of the LMDB store in use (pages in use x page size).', registers });
    this.max = new Gauge({ name: 'herald_store_max_bytes', help: 'The bound store.max_size_mib, in bytes.', registers });
    this.full = new Gauge({ name: 'herald_store_full', help: '1 while the store is at its bound and new entries are refused.', registers });
    this.refused = new Counter({ name: 'herald_store_writes_refused_total', help: 'Writes refused because the store was full (HERALD_STORE_FULL).', registers });
  }

  record(usage: StoreUsage): void {
    this.used.set(usage.usedBytes);
    this.max.set(usage.maxBytes);
    this.full.set(usage.full ? 1 : 0);
    this.refused.inc(usage.refusedWrites);
  }
}
