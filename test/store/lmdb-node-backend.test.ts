/** The node backend contract on LMDB (PushNodeStore), the embedded default. */
import { PushNodeStore } from '../../src/app-server/node-store.js';
import { lmdbFixture } from './lmdb-fixture.js';
import { nodeBackendContract } from './node-backend.contract.js';

nodeBackendContract('LMDB', () => lmdbFixture((store) => new PushNodeStore(store)));
