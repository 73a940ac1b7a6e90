/**
 * Test harness: a real FCM simulator on 127.0.0.1 port 0 and an FCM pool pointed at it,
 * with the simulator's trusted service account; both share one clock. `close()` tears down all.
 */
import { startActorRuntime, type ActorRuntime } from '../../../src/actors/index.js';
import { validateConfig } from '../../../src/core/config/load.js';
import type { FcmConfig } from '../../../src/core/config/schema.js';
import { startFcmPool, type FcmPool } from '../../../src/push-service/pools/fcm-pool.js';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { fcmTestPool } from '../pools/test-pools.js';
import { startFcmSimulator, type FcmSimulator, type FcmSimulatorOptions } from '../../../src/simulators/fcm/index.js';
import type { Logger } from '../../../src/core/log.js';

export interface Harness {
  sim: FcmSimulator;
  service: FcmPool;
  runtime: ActorRuntime;
  config: FcmConfig;
  close(): Promise<void>;
}

export interface HarnessOptions {
  fcm?: Partial<FcmConfig>;
  senderMailboxCapacity?: number;
  simulator?: FcmSimulatorOptions;
  clock?: () => number;
  /** Point the service's sends here instead of at the simulator (its token endpoint stays the simulator's). */
  endpoint?: string;
  /** Where the service's connections log. */
  log?: Logger;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? Date.now;
  const sim = await startFcmSimulator({ clock, ...options.simulator });
  const config = validateConfig({
    fcm: { reconnect: { backoff_ms: 10, max_ms: 30_000 }, ...options.fcm },
    actors: { sender_mailbox_capacity: options.senderMailboxCapacity ?? 8_192 },
  });
  const runtime = startActorRuntime();
  const pool = fcmTestPool(config.fcm, { endpoint: options.endpoint ?? sim.url, ca: sim.ca, account: sim.serviceAccount, clock });
  const service = startFcmPool(pool, config.actors.sender_mailbox_capacity, runtime, { log: options.log });
  return {
    sim,
    service,
    runtime,
    config: config.fcm,
    async close() {
      await service.close(100);
      runtime.stop();
      await sim.close();
    },
  };
}

let tokenSequence = 0;
/** A distinct FCM registration token. */
export function deviceToken(): string {
  return `fcm-token-${++tokenSequence}-${'x'.repeat(20)}`;
}

export function alertTo(device_id: string, extra: Partial<PushNotification> = {}): PushNotification {
  return { service: 'fcm', device_id, mode: 'prod', alert: { title: 'alice@localhost', body: 'OH, HAI!' }, ...extra };
}
