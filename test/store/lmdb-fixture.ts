/** A backend on an LMDB store in a temp folder of its own, for the LMDB runs of the backend contracts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type HeraldStore } from '../../src/store/lmdb-store.js';
import type { BackendFixture } from './backend-fixture.js';

/** MiB: far above what the suites write, so the size guard never refuses. */
const MAX_SIZE_MIB = 64;

export async function lmdbFixture<B>(open: (store: HeraldStore) => B): Promise<BackendFixture<B>> {
  // Removed by `close`, not by an `after` of tempFiles: one registered inside the suite's `before` runs too early.
  const options = { path: mkdtempSync(join(tmpdir(), 'herald-lmdb-backend-')), max_size_mib: MAX_SIZE_MIB };
  let store: HeraldStore = openStore(options);
  let backend = open(store);
  return {
    get backend() {
      return backend;
    },
    async reopen() {
      await store.close();
      store = openStore(options);
      backend = open(store);
    },
    async close() {
      await store.close();
      rmSync(options.path, { recursive: true, force: true });
    },
  };
}
