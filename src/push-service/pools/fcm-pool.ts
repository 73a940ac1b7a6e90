/**
 * FCM pools started from their resolved specs (credentials.ts): each a PushPool whose senders are
 * actors on the main thread, signing with the access-token source of its service account (shared
 * by every pool of the same account).
 */
import type { ActorRuntime } from '../../actors/index.js';
import { withFields } from '../../core/log.js';
import { FCM_ANSWERS } from '../fcm/answer-reader.js';
import { prepareFcmRequest, type FcmRequest } from '../fcm/message.js';
import { FcmSenderProvider } from '../fcm/sender-provider.js';
import { CREDENTIAL_RETRIES } from '../http2/sender-actor.js';
import { SenderGroup } from '../http2/sender-group.js';
import type { PoolStartOptions } from './apns-pool.js';
import type { ResolvedFcmAuth, ResolvedFcmPool } from './credentials.js';
import { PushPool } from './push-pool.js';

export type FcmPool = PushPool<FcmRequest, ResolvedFcmAuth>;

export function startFcmPools(
  pools: readonly ResolvedFcmPool[],
  senderMailboxCapacity: number,
  runtime: Pick<ActorRuntime, 'system'>,
  options: Pick<PoolStartOptions, 'warmUp' | 'random' | 'log'> = {},
): FcmPool[] {
  return pools.map((pool) => startFcmPool(pool, senderMailboxCapacity, runtime, options));
}

export function startFcmPool(
  pool: ResolvedFcmPool,
  senderMailboxCapacity: number,
  runtime: Pick<ActorRuntime, 'system'>,
  options: Pick<PoolStartOptions, 'warmUp' | 'random' | 'log'> = {},
): FcmPool {
  const tokens = pool.auth.tokens;
  const senders = new SenderGroup({
    label: 'FCM',
    pool,
    parent: runtime.system,
    mailboxCapacity: senderMailboxCapacity,
    answers: FCM_ANSWERS,
    provider: new FcmSenderProvider(tokens, `/v1/projects/${encodeURIComponent(pool.auth.projectId)}/messages:send`),
    random: options.random,
    warmUp: options.warmUp,
    log: options.log && withFields(options.log, { pool: pool.name }),
    extraAttempts: CREDENTIAL_RETRIES,
  });
  const defaults = { ttlS: pool.ttlS };
  const provider = { label: 'FCM', prepare: (n: Parameters<typeof prepareFcmRequest>[0]) => prepareFcmRequest(n, defaults), tokensIssued: () => tokens.fetched };
  return new PushPool(pool, pool.auth, provider, senders);
}
