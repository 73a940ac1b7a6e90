/**
 * Test harness: a real APNS simulator on 127.0.0.1 port 0 and an APNS pool pointed at
 * it, sharing a freshly generated .p8 key; `close()` tears both down.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { ApnsConfig } from '../../../src/core/config/schema.js';
import { startApnsPool, type ApnsPool } from '../../../src/push-service/pools/apns-pool.js';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { apnsTestPool, tokenAuth } from '../pools/test-pools.js';
import { startApnsSimulator, type ApnsSimulator, type ApnsSimulatorOptions } from '../../../src/simulators/apns/index.js';
import { poolTestConfig, runPool, type PoolHarness, type PoolHarnessOptions } from '../pool-harness.js';

export const TEAM_ID = 'HERALDTEAM';
export const KEY_ID = 'HERALDKEY1';
export const TOPIC = 'com.example.herald';

export type Harness = PoolHarness<ApnsSimulator, ApnsPool, ApnsConfig>;

export interface HarnessOptions extends PoolHarnessOptions {
  apns?: Partial<ApnsConfig>;
  simulator?: ApnsSimulatorOptions;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const clock = options.clock ?? Date.now;
  const sim = await startApnsSimulator({ teamId: TEAM_ID, keys: { [KEY_ID]: publicKeyPem }, clock, ...options.simulator });
  const config = poolTestConfig('apns', { team_id: TEAM_ID, key_id: KEY_ID, default_topic: TOPIC, ...options.apns }, options);
  const pool = apnsTestPool(config.apns, { endpoint: options.endpoint ?? sim.url, ca: sim.ca, auth: tokenAuth(config.apns, privateKeyPem, clock) });
  return runPool(sim, config.apns, (runtime) => startApnsPool(pool, config.actors.sender_mailbox_capacity, runtime, { clock, log: options.log }));
}

let tokenSequence = 0;
/** A distinct well-formed device token (64 hex digits). */
export function deviceToken(): string {
  return (++tokenSequence).toString(16).padStart(8, '0').repeat(8);
}

export function alertTo(device_id: string, extra: Partial<PushNotification> = {}): PushNotification {
  return { service: 'apns', device_id, mode: 'prod', alert: { title: 'alice@localhost', body: 'OH, HAI!' }, ...extra };
}
