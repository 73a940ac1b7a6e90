/** The Idempotency-Key store contract on LMDB (one instance). */
import { LmdbIdempotencyKeys } from '../../src/rest/idempotency/lmdb-idempotency-keys.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';
import { lmdbFixture } from './lmdb-fixture.js';

idempotencyStoreContract('LMDB', () => lmdbFixture((store) => new LmdbIdempotencyKeys(store)));
