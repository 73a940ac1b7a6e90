/**
 * Writes that resolve once durable: committed (lmdb-js's write promise) and then synced to disk
 * (`store.flushed()`, shared by every write of the same commit). A refused or failed write
 * rejects without waiting for a flush.
 */
import type { Database } from 'lmdb';
import type { HeraldStore } from './lmdb-store.js';

export async function durablePut<V>(store: HeraldStore, db: Database<V, string>, key: string, value: V): Promise<void> {
  await db.put(key, value);
  await store.flushed();
}

/** Resolves (true if the key existed) once the removal is durable. */
export async function durableRemove<V>(store: HeraldStore, db: Database<V, string>, key: string): Promise<boolean> {
  const existed = await db.remove(key);
  await store.flushed();
  return existed;
}
