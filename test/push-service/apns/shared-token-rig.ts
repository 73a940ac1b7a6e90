/**
 * Herald instances on one PostgreSQL and one APNS simulator, all signing with the SAME key: each
 * instance its own PostgreSQL pool, its SharedApnsToken and its APNS pool, as
 * `store.backend = "postgres"` wires them. The instances' clock and the simulator's are the
 * test's to move (no sleeps); `close()` tears everything down.
 */
import { startActorRuntime } from '../../../src/actors/index.js';
import { silentLogger, type Logger } from '../../../src/core/log.js';
import { ProviderTokenSigner } from '../../../src/push-service/apns/jwt.js';
import { SharedApnsToken } from '../../../src/push-service/apns/shared-token.js';
import type { PushOutcome } from '../../../src/push-service/notification.js';
import { startApnsPool, type ApnsPool } from '../../../src/push-service/pools/apns-pool.js';
import { startApnsSimulator, type ApnsSimulator } from '../../../src/simulators/apns/index.js';
import { openPostgres } from '../../../src/store/postgres/open-postgres.js';
import type { PostgresPool } from '../../../src/store/postgres/postgres-pool.js';
import { PostgresProviderTokens } from '../../../src/push-service/apns/postgres-provider-tokens.js';
import { apnsKeyPair } from '../../support/keyed-apns-simulator.js';
import { postgresDatabase, postgresOptions } from '../../support/postgres-server.js';
import { poolTestConfig } from '../pool-harness.js';
import { apnsTestPool } from '../pools/test-pools.js';
import { alertTo, deviceToken, KEY_ID, TEAM_ID, TOPIC } from './harness.js';

/** ms the pools get to finish at close. */
const CLOSE_GRACE_MS = 100;

export interface Instance {
  tokens: SharedApnsToken;
  pool: ApnsPool;
  /** `count` alerts to fresh devices through this instance's pool. */
  send(count: number): Promise<PushOutcome[]>;
}

export interface SharedTokenRig {
  sim: ApnsSimulator;
  instances: Instance[];
  close(): Promise<void>;
}

export interface SharedTokenRigOptions {
  /** The instances' clock (token `iat`s and ages). */
  clock: () => number;
  /** The simulator's clock; default `clock`. */
  simClock?: () => number;
  /** `apns.jwt_refresh_s`. */
  refreshAfterS: number;
  instances?: number;
  log?: Logger;
}

export async function startSharedTokenRig(options: SharedTokenRigOptions): Promise<SharedTokenRig> {
  const { privateKeyPem, publicKeyPem } = apnsKeyPair();
  const sim = await startApnsSimulator({ teamId: TEAM_ID, keys: { [KEY_ID]: publicKeyPem }, clock: options.simClock ?? options.clock });
  const db = await postgresDatabase();
  const runtime = startActorRuntime();
  const config = poolTestConfig('apns', { team_id: TEAM_ID, key_id: KEY_ID, default_topic: TOPIC, jwt_refresh_s: options.refreshAfterS }, {});
  const databases: PostgresPool[] = [];
  const instances: Instance[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(instances.map((i) => i.pool.close(CLOSE_GRACE_MS)));
    runtime.stop();
    await Promise.all(databases.map((d) => d.close()));
    await db.close();
    await sim.close();
  };
  try {
    for (let i = 0; i < (options.instances ?? 2); i++) {
      const database = await openPostgres(postgresOptions(db.url));
      databases.push(database);
      const tokens = new SharedApnsToken({
        signer: new ProviderTokenSigner(TEAM_ID, KEY_ID, privateKeyPem),
        refreshAfterS: options.refreshAfterS,
        store: new PostgresProviderTokens(database),
        log: options.log ?? silentLogger,
        clock: options.clock,
      });
      await tokens.ready();
      const resolved = apnsTestPool(config.apns, { endpoint: sim.url, ca: sim.ca, auth: { kind: 'token', tokens } });
      const pool = await startApnsPool(resolved, config.actors.sender_mailbox_capacity, runtime, { clock: options.clock });
      instances.push({ tokens, pool, send: (count) => Promise.all(Array.from({ length: count }, () => pool.send(alertTo(deviceToken())))) });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { sim, instances, close };
}
