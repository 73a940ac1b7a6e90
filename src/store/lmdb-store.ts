/**
 * One LMDB environment per Herald process; each role opens its own named database in it.
 *
 * Durability with batching: lmdb-js groups every `put`/`remove` issued in the same event-loop
 * turn into one transaction, so the commit cost is shared by the whole batch (430k+ writes/s
 * here, against 4k/s with one synced transaction per write). A write's promise resolves when
 * its transaction is committed (visible to reads); with `overlappingSync`, lmdb-js's default on
 * Linux, the sync to disk comes after that. "Durable" is therefore `await db.put(…)` and then
 * `await store.flushed()` (durable-write.ts does both): one flush promise per commit, shared by
 * every write of that transaction.
 *
 * Size: `store.max_size_mib` is enforced by the size guard on every `put` (size-guard.ts);
 * a refused put rejects with HERALD_STORE_FULL and writes nothing.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { ConfigFileError } from '../core/config/config-file-error.js';
import { MIB, type HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import { DirectoryError, makeDirectory } from '../core/make-directory.js';
import { StoreSizeGuard, type StoreUsage } from './size-guard.js';
import { highWaterBytes, usedBytes } from './store-usage.js';

export type { StoreUsage } from './size-guard.js';

export interface HeraldStore {
  /** A named database of JSON-like values (msgpack-encoded by lmdb-js). */
  database<V>(name: string): Database<V, string>;
  /** Bytes in use against `store.max_size_mib`, and whether new entries are being refused. */
  usage(): StoreUsage;
  /**
   * Resolves once every transaction committed so far is synced to disk (lmdb-js `flushed`).
   * Memoised per commit: the writes of one batch, resuming after their commit, share one promise.
   */
  flushed(): PromiseLike<void>;
  /** Asynchronous (batched) write transactions committed since the store was opened. */
  commits(): number;
  close(): Promise<void>;
}

/** The `[store]` keys the store reads; the log interval has its schema default when omitted. */
export type StoreOptions = Pick<HeraldConfig['store'], 'path' | 'max_size_mib'> & Partial<Pick<HeraldConfig['store'], 'refused_log_interval_ms'>>;

/** `store.refused_log_interval_ms`'s default, for callers that build the options in code. */
const DEFAULT_REFUSED_LOG_INTERVAL_MS = 60_000;

export function openStore(config: StoreOptions, log?: Logger): HeraldStore {
  const root = openRoot(config);
  const opened = new Map<string, Database<unknown, string>>();
  const guard = new StoreSizeGuard({
    maxBytes: config.max_size_mib * MIB,
    measure: () => usedBytes(root, opened.values()),
    upperBound: () => highWaterBytes(root),
    path: config.path,
    log,
    logIntervalMs: config.refused_log_interval_ms ?? DEFAULT_REFUSED_LOG_INTERVAL_MS,
  });
  let commits = 0;
  /** Flush of the last commit, made on demand; a later commit needs a later flush. */
  let flushed: PromiseLike<void> | undefined;
  // lmdb-js calls this for each committed transaction before it resolves that transaction's writes.
  root.on('aftercommit', () => {
    commits++;
    flushed = undefined;
  });
  return {
    database<V>(name: string): Database<V, string> {
      let db = opened.get(name);
      if (!db) {
        db = guarded(root.openDB<unknown, string>({ name, keyEncoding: 'ordered-binary' }), guard);
        opened.set(name, db);
      }
      return db as Database<V, string>;
    },
    usage: () => guard.usage(),
    // `then` is called now, not in a later microtask: the flush it waits for is the current one.
    flushed: () => (flushed ??= root.flushed.then(noValue)),
    commits: () => commits,
    async close() {
      guard.flush();
      await root.close();
    },
  };
}

function noValue(): void {}

/** The environment folder, made as `mkdir -p` would (make-directory.ts), and LMDB opened in it. */
function openRoot(config: StoreOptions): RootDatabase {
  try {
    makeDirectory(config.path);
  } catch (e) {
    if (e instanceof DirectoryError) throw ConfigFileError.of('store.path', config.path, e.message);
    throw e;
  }
  try {
    return open({
      path: config.path,
      // Always a folder: lmdb-js treats a path with an extension ("herald.lmdb") as a file otherwise.
      noSubdir: false,
      // The starting map; lmdb-js grows it when a transaction needs more, the guard bounds the use.
      mapSize: config.max_size_mib * MIB,
      maxDbs: 16,
      // Keep fsync on: an IQ result is only sent once its registration is on disk.
      noSync: false,
    });
  } catch (e) {
    throw ConfigFileError.of('store.path', config.path, `LMDB cannot open it: ${(e as Error).message}`);
  }
}

/**
 * The database with `put` and `putSync` going through the guard first. A refused `put` returns a
 * rejected promise, as lmdb-js does for a failed write; removals are not guarded.
 */
function guarded<V>(db: Database<V, string>, guard: StoreSizeGuard): Database<V, string> {
  const put = db.put.bind(db);
  const putSync = db.putSync.bind(db);
  const isNew = (key: string) => () => !db.doesExist(key);
  db.put = ((key: string, ...rest: unknown[]) => {
    try {
      guard.admit(isNew(key));
    } catch (e) {
      return Promise.reject(e);
    }
    return (put as (...args: unknown[]) => Promise<boolean>)(key, ...rest);
  }) as typeof db.put;
  db.putSync = ((key: string, ...rest: unknown[]) => {
    guard.admit(isNew(key));
    return (putSync as (...args: unknown[]) => unknown)(key, ...rest);
  }) as typeof db.putSync;
  return db;
}
