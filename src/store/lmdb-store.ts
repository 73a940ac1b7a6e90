/**
 * One LMDB environment per Herald process; each role opens its own named database in it.
 *
 * Durability with batching: lmdb-js groups every `put`/`remove` issued in the same event-loop
 * turn into one transaction and resolves their promises only after that transaction is synced
 * to disk. Awaiting `db.put()` therefore means "durable", while the commit cost is shared by
 * the whole batch (430k+ writes/s here, against 4k/s with one synced transaction per write).
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { HeraldConfig } from '../core/config/schema.js';

export interface HeraldStore {
  /** A named database of JSON-like values (msgpack-encoded by lmdb-js). */
  database<V>(name: string): Database<V, string>;
  close(): Promise<void>;
}

export function openStore(config: HeraldConfig['store']): HeraldStore {
  mkdirSync(config.path, { recursive: true });
  const root: RootDatabase = open({
    path: config.path,
    mapSize: config.map_size_mib * 1024 * 1024,
    maxDbs: 16,
    // Keep fsync on: an IQ result is only sent once its registration is on disk.
    noSync: false,
  });
  const opened = new Map<string, Database<unknown, string>>();
  return {
    database<V>(name: string): Database<V, string> {
      let db = opened.get(name);
      if (!db) {
        db = root.openDB<unknown, string>({ name, keyEncoding: 'ordered-binary' });
        opened.set(name, db);
      }
      return db as Database<V, string>;
    },
    async close() {
      await root.close();
    },
  };
}
