/**
 * Test harness: a real FCM simulator on 127.0.0.1 port 0 and an FCM pool pointed at it,
 * with the simulator's trusted service account; both share one clock. `close()` tears down all.
 */
import type { FcmConfig } from '../../../src/core/config/schema.js';
import { startFcmPool, type FcmPool } from '../../../src/push-service/pools/fcm-pool.js';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { fcmTestPool } from '../pools/test-pools.js';
import { startFcmSimulator, type FcmSimulator, type FcmSimulatorOptions } from '../../../src/simulators/fcm/index.js';
import { poolTestConfig, runPool, type PoolHarness, type PoolHarnessOptions } from '../pool-harness.js';

export type Harness = PoolHarness<FcmSimulator, FcmPool, FcmConfig>;

/** `endpoint` moves the pool's sends only: its token endpoint stays the simulator's. */
export interface HarnessOptions extends PoolHarnessOptions {
  fcm?: Partial<FcmConfig>;
  simulator?: FcmSimulatorOptions;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? Date.now;
  const sim = await startFcmSimulator({ clock, ...options.simulator });
  const config = poolTestConfig('fcm', { ...options.fcm }, options);
  const pool = fcmTestPool(config.fcm, { endpoint: options.endpoint ?? sim.url, ca: sim.ca, account: sim.serviceAccount, clock });
  return runPool(sim, config.fcm, (runtime) => startFcmPool(pool, config.actors.sender_mailbox_capacity, runtime, { log: options.log }));
}

let tokenSequence = 0;
/** A distinct FCM registration token. */
export function deviceToken(): string {
  return `fcm-token-${++tokenSequence}-${'x'.repeat(20)}`;
}

export function alertTo(device_id: string, extra: Partial<PushNotification> = {}): PushNotification {
  return { service: 'fcm', device_id, mode: 'prod', alert: { title: 'alice@localhost', body: 'OH, HAI!' }, ...extra };
}
