/**
 * The Push Service side of the engine: the configured APNS, FCM and Web Push pools, started as the config
 * says (endpoints, trust, credentials). Credentials are read once, here, by the one loader
 * (push-service/pools/credentials.ts). Simulators are no special case: whoever runs the engine on
 * them hands it a config pointing at them (simulators/for-config.ts).
 */
import type { ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import type { TokenSource } from '../push-service/apns/jwt.js';
import type { ProviderTokenStore } from '../push-service/apns/shared-token.js';
import { startApnsPools } from '../push-service/pools/apns-pool.js';
import { resolveApnsPools, resolveFcmPools } from '../push-service/pools/credentials.js';
import { startFcmPools } from '../push-service/pools/fcm-pool.js';
import { startWebPushPool } from '../push-service/pools/webpush-pool.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../push-service/pools/pool-specs.js';
import { watchPoolHealth } from '../push-service/ops/pool-health-log.js';
import { PushPools, type RunningPool } from '../push-service/pools/push-pools.js';

/** What the pools of this thread share with other threads of the process (shards/). */
export interface SharedPushParts {
  /** APNS token sources by tokenSourceId (pools/credentials.ts): used when found, filled when made. */
  tokens?: Map<string, TokenSource>;
  /** With the postgres backend: the instances' shared APNS tokens (push-service/apns/shared-token.ts). */
  tokenStore?: ProviderTokenStore;
  /** Connect nothing at start (pools that only hold the token providers, or serve rarely); default: connect. */
  lazy?: boolean;
}

export async function startPushPools(config: HeraldConfig, actors: ActorRuntime, log: Logger, shared: SharedPushParts = {}): Promise<PushPools> {
  const tokenStore = shared.tokenStore && { store: shared.tokenStore, log };
  const apnsResolved = resolveApnsPools(apnsPoolSpecs(config.apns), { tokens: shared.tokens, shared: tokenStore });
  // Each key's first token before any pool sends (a shared token is fetched from PostgreSQL).
  await Promise.all(apnsResolved.map((pool) => (pool.auth.kind === 'token' ? pool.auth.tokens.ready?.() : undefined)));
  const fcmResolved = resolveFcmPools(fcmPoolSpecs(config.fcm), log);
  const capacity = config.actors.sender_mailbox_capacity;
  const apnsPools = await startApnsPools(apnsResolved, capacity, actors, { warmUp: !shared.lazy, log });
  let fcmPools: RunningPool[];
  let webPushPools: RunningPool[];
  try {
    fcmPools = startFcmPools(fcmResolved, capacity, actors, { warmUp: !shared.lazy, log });
    // Web Push connects on demand: its origins are the ones subscriptions name.
    const webPush = startWebPushPool(config.webpush, capacity, actors, { log });
    webPushPools = webPush === undefined ? [] : [webPush];
  } catch (e) {
    await Promise.all(apnsPools.map((p) => p.close(0)));
    throw e;
  }
  const pools: RunningPool[] = [...apnsPools, ...fcmPools, ...webPushPools];
  log.info('push.pools_started', { pools: pools.map((p) => ({ name: p.name, service: p.service, mode: p.mode, tags: p.tags })) });
  // Every change of a pool's health is logged (ops/pool-health-log.ts) until the pools close.
  return new PushPools(pools, [watchPoolHealth(pools, log)]);
}
