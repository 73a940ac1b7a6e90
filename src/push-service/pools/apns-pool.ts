/**
 * APNS pools started from their resolved specs (credentials.ts): each a PushPool whose senders are
 * actors on the main thread or, with `threads` > 0, sender threads. A token-auth pool signs with
 * its key's token provider (shared by every pool of the same key); a certificate-auth pool
 * presents its client certificate on every connection and sends no `authorization` header.
 */
import type { ActorRuntime } from '../../actors/index.js';
import { withFields, type Logger } from '../../core/log.js';
import { APNS_ANSWERS } from '../apns/answer-reader.js';
import type { ApnsRequest } from '../apns/headers.js';
import type { TokenSource } from '../apns/jwt.js';
import { prepareApnsRequest } from '../apns/request.js';
import { apnsSenderProvider, CERTIFICATE_AUTH } from '../apns/sender-provider.js';
import { SenderGroup } from '../http2/sender-group.js';
import { SenderThreads } from '../threaded/sender-threads.js';
import type { SenderWorkerFactory } from '../threaded/sender-thread-handle.js';
import type { ResolvedApnsAuth, ResolvedApnsPool } from './credentials.js';
import { PushPool, type PoolProvider, type PoolSenders } from './push-pool.js';

export type ApnsPool = PushPool<ApnsRequest, ResolvedApnsAuth>;

export interface PoolStartOptions {
  /** Open every connection at start and keep it open (health reports pools connected). */
  warmUp?: boolean;
  /**
   * Where the pool's HTTP/2 connections log their sessions (http2/connection-log.ts, each line
   * naming pool and sender) and sender-thread deaths, failed starts and restarts are logged;
   * default: nowhere.
   */
  log?: Logger;
  /** Epoch-ms time source for apns-expiration; default Date.now. */
  clock?: () => number;
  /** Jitter source in [0, 1) for reconnect, retry and restart delays; default Math.random. */
  random?: () => number;
  /** Creates each sender thread's Worker; lets a test make threads fail. */
  createWorker?: SenderWorkerFactory;
}

/** Starts the pools in order; if one cannot start, those started are closed and the error thrown. */
export async function startApnsPools(
  pools: readonly ResolvedApnsPool[],
  senderMailboxCapacity: number,
  runtime: Pick<ActorRuntime, 'system'>,
  options: PoolStartOptions = {},
): Promise<ApnsPool[]> {
  const started: ApnsPool[] = [];
  try {
    for (const pool of pools) started.push(await startApnsPool(pool, senderMailboxCapacity, runtime, options));
  } catch (e) {
    await Promise.all(started.map((p) => p.close(0)));
    throw e;
  }
  return started;
}

export async function startApnsPool(
  pool: ResolvedApnsPool,
  senderMailboxCapacity: number,
  runtime: Pick<ActorRuntime, 'system'>,
  options: PoolStartOptions = {},
): Promise<ApnsPool> {
  const tokens = tokenSourceOf(pool.auth);
  const senders: PoolSenders<ApnsRequest> =
    pool.threads > 0
      ? await SenderThreads.start(pool, senderMailboxCapacity, options)
      : new SenderGroup({
          label: 'APNS',
          pool,
          parent: runtime.system,
          mailboxCapacity: senderMailboxCapacity,
          clientCertificate: pool.auth.kind === 'certificate' ? pool.auth.certificate : undefined,
          answers: APNS_ANSWERS,
          provider: apnsSenderProvider(tokens),
          random: options.random,
          warmUp: options.warmUp,
          log: options.log && withFields(options.log, { pool: pool.name }),
        });
  return new PushPool(pool, pool.auth, apnsProvider(pool, tokens, options.clock ?? Date.now), senders);
}

/** The pool's provider token source; CERTIFICATE_AUTH (no token, nothing minted) with a client certificate. */
function tokenSourceOf(auth: ResolvedApnsAuth): TokenSource {
  return auth.kind === 'token' ? auth.tokens : CERTIFICATE_AUTH;
}

function apnsProvider(pool: ResolvedApnsPool, tokens: TokenSource, clock: () => number): PoolProvider<ApnsRequest> {
  const defaults = { defaultTopic: pool.topic, expirationS: pool.expirationS };
  return {
    label: 'APNS',
    prepare: (notification) => prepareApnsRequest(notification, defaults, clock()),
    tokensIssued: () => tokens.minted,
  };
}
