/** The registration backend contract on LMDB (RegistrationStore), the embedded default. */
import { RegistrationStore } from '../../src/xmpp-server/registration-store.js';
import { lmdbFixture } from './lmdb-fixture.js';
import { registrationBackendContract } from './registration-backend.contract.js';

registrationBackendContract('LMDB', () => lmdbFixture((store) => new RegistrationStore(store)));
