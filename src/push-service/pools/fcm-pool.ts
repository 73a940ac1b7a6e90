/**
 * FCM pools started from their specs. Pools of the same service account share one access-token
 * source (one token per account and process, refreshed single-flight).
 */
import { existsSync } from 'node:fs';
import type { ActorRuntime } from '../../actors/index.js';
import type { HeraldConfig } from '../../core/config/schema.js';
import { withFields, type Logger } from '../../core/log.js';
import { FcmPushService, type FcmServiceOptions } from '../fcm/fcm-service.js';
import type { AccessTokenSource, FcmServiceAccount } from '../fcm/oauth.js';
import type { FcmPoolSpec } from './pool-specs.js';
import { SenderPool } from './push-pools.js';

export interface FcmPoolsOptions {
  /** Every pool's endpoint instead of `fcm.endpoint`, e.g. the simulator's URL. */
  endpoint?: string;
  /** Extra trusted CA (PEM) for the endpoint and the token URI. */
  ca?: string;
  /** Every pool's service account instead of its file (the simulator's account). */
  serviceAccount?: FcmServiceAccount;
  /** Open every connection at start and keep it open (health reports pools connected). */
  warmUp?: boolean;
}

export class FcmPool extends SenderPool<FcmPushService, FcmPoolSpec> {}

/**
 * Starts the pools. Without a simulator, a pool whose service-account file does not exist is
 * left out with a warning (FCM requests it would take are answered no_matching_pool): an
 * APNS-only deployment must not fail to start over FCM.
 */
export function startFcmPools(
  specs: readonly FcmPoolSpec[],
  config: Pick<HeraldConfig, 'actors'>,
  runtime: Pick<ActorRuntime, 'system'>,
  log: Logger,
  options: FcmPoolsOptions = {},
): FcmPool[] {
  const tokens = new Map<string, AccessTokenSource>();
  const pools: FcmPool[] = [];
  for (const spec of specs) {
    const file = spec.config.service_account_file;
    if (options.serviceAccount === undefined && !existsSync(file)) {
      log.warn('fcm.pool_disabled', { pool: spec.name, reason: `no service account at ${file}` });
      continue;
    }
    const shared = tokens.get(file);
    const serviceOptions: FcmServiceOptions = {
      endpoint: options.endpoint,
      ca: options.ca,
      serviceAccount: options.serviceAccount,
      serviceAccountKey: spec.fileKeys.serviceAccountFile,
      tokens: shared,
      warmUp: options.warmUp,
      log: withFields(log, { pool: spec.name }),
    };
    const senders = new FcmPushService(spec.config, config.actors, runtime, serviceOptions);
    if (shared === undefined) tokens.set(file, senders.tokens);
    pools.push(new FcmPool(spec, senders));
  }
  return pools;
}
