/** The registration backend contract on LMDB (RegistrationStore), the embedded default. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type HeraldStore } from '../../src/store/lmdb-store.js';
import { RegistrationStore } from '../../src/xmpp-server/registration-store.js';
import { registrationBackendContract, type BackendFixture } from './registration-backend.contract.js';

/** MiB: far above what the suite writes, so the size guard never refuses. */
const MAX_SIZE_MIB = 64;

registrationBackendContract('LMDB', async () => {
  // Removed by `close`, not by an `after` of tempFiles: one registered inside the suite's `before` runs too early.
  const options = { path: mkdtempSync(join(tmpdir(), 'herald-lmdb-backend-')), max_size_mib: MAX_SIZE_MIB };
  let store: HeraldStore = openStore(options);
  let backend = new RegistrationStore(store);
  const fixture: BackendFixture = {
    get backend() {
      return backend;
    },
    async reopen() {
      await store.close();
      store = openStore(options);
      backend = new RegistrationStore(store);
    },
    async close() {
      await store.close();
      rmSync(options.path, { recursive: true, force: true });
    },
  };
  return fixture;
});
