/**
 * The Push Service side of the engine: the configured APNS and FCM pools, started as the config
 * says (endpoints, trust, credentials). Simulators are no special case here: whoever runs the
 * engine on them hands it a config pointing at them (simulators/for-config.ts).
 */
import type { ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import type { TokenSource } from '../push-service/apns/jwt.js';
import { startApnsPools } from '../push-service/pools/apns-pool.js';
import { startFcmPools } from '../push-service/pools/fcm-pool.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../push-service/pools/pool-specs.js';
import { PushPools, type RunningPool } from '../push-service/pools/push-pools.js';

/** What the pools of this thread share with other threads of the process (shards/). */
export interface SharedPushParts {
  /** APNS token sources by tokenSourceId (apns-pool.ts): used when found, filled when made. */
  tokens?: Map<string, TokenSource>;
  /** Connect nothing at start (pools that only hold the token providers, or serve rarely); default: connect. */
  lazy?: boolean;
}

export async function startPushPools(config: HeraldConfig, actors: ActorRuntime, log: Logger, shared: SharedPushParts = {}): Promise<PushPools> {
  const apnsPools = await startApnsPools(apnsPoolSpecs(config.apns), config, actors, { warmUp: !shared.lazy, log, tokens: shared.tokens });
  let fcmPools: RunningPool[];
  try {
    fcmPools = startFcmPools(fcmPoolSpecs(config.fcm), config, actors, log, { warmUp: !shared.lazy });
  } catch (e) {
    await Promise.all(apnsPools.map((p) => p.close(0)));
    throw e;
  }
  const pools: RunningPool[] = [...apnsPools, ...fcmPools];
  log.info('push.pools', { pools: pools.map((p) => ({ name: p.name, service: p.service, mode: p.mode, tags: p.tags })) });
  return new PushPools(pools, log);
}
