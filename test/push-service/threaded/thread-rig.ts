/**
 * What the sender-thread tests share: one team and key, a device token, an alert, and an APNS
 * pool on sender threads pointed at a fresh simulator that trusts a fresh .p8 key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { startActorRuntime } from '../../../src/actors/index.js';
import { validateConfig } from '../../../src/core/config/load.js';
import type { ApnsConfig } from '../../../src/core/config/schema.js';
import type { TokenSource } from '../../../src/push-service/apns/jwt.js';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { startApnsPool, type ApnsPool, type PoolStartOptions } from '../../../src/push-service/pools/apns-pool.js';
import { startApnsSimulator, type ApnsSimulator } from '../../../src/simulators/apns/index.js';
import { apnsTestPool, tokenAuth } from '../pools/test-pools.js';

export const TEAM = 'TEAM123456';
export const KEY_ID = 'KEY1234567';
export const TOKEN = 'ab'.repeat(32);

export const alert = (device_id: string): PushNotification => ({
  service: 'apns',
  device_id,
  mode: 'prod',
  topic: 'com.example.app',
  alert: { title: 'romeo', body: 'hello' },
});

/** Epoch-ms clocks: Herald's token provider's, and the simulator's (Apple's); default Date.now. */
export interface RigClocks {
  herald?: () => number;
  apple?: () => number;
}

/**
 * A simulator and a pool of `apns` (team and key set) on its `sender_threads` threads; `start`:
 * the pool's start options (a logger…); `tokens`: the pool's provider token, minted on this thread.
 */
export async function startThreadedPool(
  apns: Partial<ApnsConfig>,
  mailbox = 64,
  start: PoolStartOptions = {},
  clocks: RigClocks = {},
): Promise<{ sim: ApnsSimulator; service: ApnsPool; tokens: TokenSource }> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: publicKey.export({ type: 'spki', format: 'pem' }).toString() }, ...(clocks.apple && { clock: clocks.apple }) });
  const config = validateConfig({ apns: { team_id: TEAM, key_id: KEY_ID, ...apns } }).apns;
  const auth = tokenAuth(config, privateKey, clocks.herald);
  const pool = apnsTestPool(config, { endpoint: sim.url, ca: sim.ca, auth, threads: config.sender_threads });
  return { sim, service: await startApnsPool(pool, mailbox, startActorRuntime(), start), tokens: (auth as { tokens: TokenSource }).tokens };
}
