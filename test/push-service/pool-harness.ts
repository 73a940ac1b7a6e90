/**
 * What the APNS and FCM harnesses share: the options a pool test may set, the config both
 * validate (a fast reconnect backoff for tests), and one pool on its simulator, on its own actor
 * runtime, that `close()` tears down: pool, runtime, then simulator.
 */
import { startActorRuntime, type ActorRuntime } from '../../src/actors/index.js';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import type { Logger } from '../../src/core/log.js';

/** ms a test pool's senders get to finish at close. */
const CLOSE_GRACE_MS = 100;

export interface PoolHarnessOptions {
  senderMailboxCapacity?: number;
  /** Shared by the pool and its simulator. */
  clock?: () => number;
  /** Point the pool's sends here instead of at the simulator. */
  endpoint?: string;
  /** Where the pool's connections log. */
  log?: Logger;
}

export interface PoolHarness<Simulator, Pool, ProviderConfig> {
  sim: Simulator;
  service: Pool;
  runtime: ActorRuntime;
  config: ProviderConfig;
  close(): Promise<void>;
}

/** The config with `provider`'s keys over a test reconnect backoff, and the sender mailbox capacity. */
export function poolTestConfig(provider: 'apns' | 'fcm', keys: Record<string, unknown>, options: PoolHarnessOptions): HeraldConfig {
  return validateConfig({
    [provider]: { reconnect: { backoff_ms: 10, max_ms: 30_000 }, ...keys },
    actors: { sender_mailbox_capacity: options.senderMailboxCapacity ?? 8_192 },
  });
}

/** Starts the pool `start` makes on a fresh actor runtime, in front of `sim`. */
export async function runPool<Simulator extends { close(): Promise<void> }, Pool extends { close(graceMs?: number): Promise<void> }, ProviderConfig>(
  sim: Simulator,
  config: ProviderConfig,
  start: (runtime: ActorRuntime) => Pool | Promise<Pool>,
): Promise<PoolHarness<Simulator, Pool, ProviderConfig>> {
  const runtime = startActorRuntime();
  const service = await start(runtime);
  return {
    sim,
    service,
    runtime,
    config,
    async close() {
      await service.close(CLOSE_GRACE_MS);
      runtime.stop();
      await sim.close();
    },
  };
}
