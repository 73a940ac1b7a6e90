/**
 * The Push Service's FCM dispatcher: `connections` sender actors, each with one HTTP/2
 * connection, sharing one access-token provider. `send` refuses what can be refused without
 * Google (other service, oversize message), then hands the send to the least-loaded sender with
 * mailbox room; when every mailbox is full it throws HERALD_MAILBOX_FULL at once.
 */
import { readFileSync } from 'node:fs';
import type { ActorRuntime } from '../../actors/index.js';
import type { FcmConfig, HeraldConfig } from '../../core/config/schema.js';
import { leastLoadedWithRoom, senderTotals } from '../sender-pool.js';
import { HeraldError } from '../../core/errors.js';
import { isRejection, LOCAL_REJECTIONS } from '../apns/outcome.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../notification.js';
import { FcmConnection } from './connection.js';
import { prepareFcmRequest, type FcmDefaults, type FcmRequest } from './message.js';
import { FcmAccessTokens, type AccessTokenSource, type FcmServiceAccount } from './oauth.js';
import { FcmSender, type FcmSenderStats } from './sender-actor.js';

export interface FcmServiceOptions {
  /** Endpoint instead of `fcm.endpoint`, e.g. the simulator's URL. */
  endpoint?: string;
  /** Extra trusted CA (PEM) for the endpoint and the token URI, instead of `fcm.ca_file`. */
  ca?: string | Buffer;
  /** The service-account object instead of reading `fcm.service_account_file`. */
  serviceAccount?: FcmServiceAccount;
  /** Share an access-token provider (one per account and process). */
  tokens?: AccessTokenSource;
  /** Epoch-ms time source for token expiry and assertions; default Date.now. */
  clock?: () => number;
  /** Reconnect jitter source in [0, 1). */
  random?: () => number;
}

export interface FcmServiceStats {
  inFlight: number;
  queued: number;
  outstanding: number;
  /** Access tokens fetched so far. */
  tokensFetched: number;
  senders: FcmSenderStats[];
}

let serviceSequence = 0;

export class FcmPushService implements PushDispatcher {
  readonly tokens: AccessTokenSource;
  private readonly senders: FcmSender[] = [];
  private readonly defaults: FcmDefaults;
  /** close() grace: every attempt of a send in flight may still be answered or time out. */
  private readonly closeGraceMs: number;
  private closing: Promise<void> | undefined = undefined;

  constructor(
    config: FcmConfig,
    actors: Pick<HeraldConfig['actors'], 'sender_mailbox_capacity'>,
    runtime: Pick<ActorRuntime, 'system'>,
    options: FcmServiceOptions = {},
  ) {
    this.defaults = { ttlS: config.default_ttl_s };
    this.closeGraceMs = config.request_timeout_ms * (config.transport_retries + 1 + 1);
    const ca = options.ca ?? (config.ca_file === undefined ? undefined : readFile(config.ca_file, 'fcm.ca_file'));
    const account = options.serviceAccount ?? readServiceAccount(config.service_account_file);
    this.tokens =
      options.tokens ??
      new FcmAccessTokens({
        account,
        refreshMarginS: config.token_refresh_margin_s,
        ca,
        timeoutMs: config.request_timeout_ms,
        clock: options.clock,
      });
    const path = `/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`;
    const sequence = serviceSequence++;
    for (let i = 0; i < config.connections; i++) {
      this.senders.push(
        new FcmSender({
          parent: runtime.system,
          name: `fcm-sender-${sequence}-${i}`,
          mailboxCapacity: actors.sender_mailbox_capacity,
          transportRetries: config.transport_retries,
          path,
          tokens: this.tokens,
          connection: new FcmConnection({
            endpoint: options.endpoint ?? config.endpoint,
            ca,
            maxInFlight: config.max_in_flight,
            requestTimeoutMs: config.request_timeout_ms,
            reconnectBackoffMs: config.reconnect_backoff_ms,
            random: options.random,
          }),
        }),
      );
    }
  }

  /**
   * Resolves with the outcome, never rejects for FCM's answer. Throws at once HERALD_MAILBOX_FULL
   * when every sender's mailbox is full, HERALD_SHUTTING_DOWN after close().
   */
  send(notification: PushNotification): Promise<PushOutcome> {
    if (this.closing !== undefined) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the FCM push service is closed');
    if (notification.service !== 'fcm') return Promise.resolve(LOCAL_REJECTIONS.noMatchingPool);
    const prepared = prepareFcmRequest(notification, this.defaults);
    if (isRejection(prepared)) return Promise.resolve(prepared);
    return this.submitPrepared(prepared);
  }

  /** Sends a request already prepared by `prepareFcmRequest`. Same refusals as `send`. */
  submitPrepared(prepared: FcmRequest): Promise<PushOutcome> {
    if (this.closing !== undefined) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the FCM push service is closed');
    const best = leastLoadedWithRoom(this.senders);
    if (best === undefined) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `all ${this.senders.length} FCM sender mailboxes are full`);
    }
    return best.submit(prepared);
  }

  stats(): FcmServiceStats {
    const senders = this.senders.map((s) => s.stats());
    return { ...senderTotals(senders), tokensFetched: this.tokens.fetched, senders };
  }

  /** Refuses new sends, lets accepted ones finish (≤ graceMs), then closes everything. */
  close(graceMs: number = this.closeGraceMs): Promise<void> {
    this.closing ??= Promise.all(this.senders.map((s) => s.close(graceMs))).then(() => undefined);
    return this.closing;
  }
}

function readFile(path: string, key: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new HeraldError('HERALD_CONFIG_UNREADABLE', `${key} ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function readServiceAccount(path: string): FcmServiceAccount {
  const text = readFile(path, 'fcm.service_account_file');
  try {
    return JSON.parse(text) as FcmServiceAccount; // fields checked by FcmAccessTokens
  } catch (e) {
    throw new HeraldError('HERALD_AUTH_KEY_INVALID', `fcm.service_account_file ${path} is not JSON`, { cause: e });
  }
}
