/**
 * The Push Service's FCM dispatcher: `connections` sender actors, each with one HTTP/2
 * connection, sharing one access-token provider and one retry budget. `send` refuses what can be
 * refused without Google (other service, oversize message), then hands the send to the
 * least-loaded sender with mailbox room; when every mailbox is full it throws HERALD_MAILBOX_FULL
 * at once.
 */
import type { ActorRuntime } from '../../actors/index.js';
import { ConfigFileError } from '../../core/config/config-file-error.js';
import { readConfiguredFileOrThrow } from '../../core/config/configured-file.js';
import type { FcmConfig, HeraldConfig } from '../../core/config/schema.js';
import { HeraldError } from '../../core/errors.js';
import { isRejection, LOCAL_REJECTIONS } from '../http2/rejections.js';
import { CREDENTIAL_RETRIES } from '../http2/sender-actor.js';
import { SenderGroup, type SenderGroupStats } from '../http2/sender-group.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../notification.js';
import { FCM_ANSWERS } from './answer-reader.js';
import { prepareFcmRequest, type FcmDefaults, type FcmRequest } from './message.js';
import { FcmAccessTokens, parseServiceAccount, type AccessTokenSource, type FcmServiceAccount } from './oauth.js';
import { FcmSenderProvider } from './sender-provider.js';
import type { Logger } from '../../core/log.js';

export interface FcmServiceOptions {
  /** Endpoint instead of `fcm.endpoint`, e.g. the simulator's URL. */
  endpoint?: string;
  /** Extra trusted CA (PEM) for the endpoint and the token URI, instead of `fcm.ca_file`. */
  ca?: string | Buffer;
  /** The service-account object instead of reading `fcm.service_account_file`. */
  serviceAccount?: FcmServiceAccount;
  /** The config key naming the service-account file, for errors (default `fcm.service_account_file`). */
  serviceAccountKey?: string;
  /** Share an access-token provider (one per account and process). */
  tokens?: AccessTokenSource;
  /** Epoch-ms time source for token expiry and assertions; default Date.now. */
  clock?: () => number;
  /** Jitter source in [0, 1) for reconnect and retry delays; default Math.random. */
  random?: () => number;
  /** Open every connection at start and keep it open while idle (Http2Connection `keepWarm`). */
  warmUp?: boolean;
  /** Where the HTTP/2 connections log their sessions (http2/connection-log.ts); default nowhere. */
  log?: Logger;
}

export interface FcmServiceStats extends SenderGroupStats {
  /** Access tokens fetched so far. */
  tokensFetched: number;
}

export class FcmPushService implements PushDispatcher {
  readonly tokens: AccessTokenSource;
  private readonly group: SenderGroup<FcmRequest>;
  private readonly defaults: FcmDefaults;

  constructor(
    config: FcmConfig,
    actors: Pick<HeraldConfig['actors'], 'sender_mailbox_capacity'>,
    runtime: Pick<ActorRuntime, 'system'>,
    options: FcmServiceOptions = {},
  ) {
    this.defaults = { ttlS: config.default_ttl_s };
    const ca = options.ca ?? (config.ca_file === undefined ? undefined : readConfiguredFileOrThrow('fcm.ca_file', config.ca_file));
    const account = options.serviceAccount ?? readServiceAccount(options.serviceAccountKey ?? 'fcm.service_account_file', config.service_account_file);
    this.tokens =
      options.tokens ??
      new FcmAccessTokens({
        account,
        refreshMarginS: config.token_refresh_margin_s,
        ca,
        timeoutMs: config.request_timeout_ms,
        clock: options.clock,
      });
    this.group = new SenderGroup({
      label: 'FCM',
      config,
      parent: runtime.system,
      mailboxCapacity: actors.sender_mailbox_capacity,
      endpoint: options.endpoint ?? config.endpoint,
      ca,
      answers: FCM_ANSWERS,
      provider: new FcmSenderProvider(this.tokens, `/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`),
      random: options.random,
      warmUp: options.warmUp,
      log: options.log,
      extraAttempts: CREDENTIAL_RETRIES,
    });
  }

  /**
   * Resolves with the outcome, never rejects for FCM's answer. Throws at once HERALD_MAILBOX_FULL
   * when every sender's mailbox is full, HERALD_SHUTTING_DOWN after close().
   */
  send(notification: PushNotification): Promise<PushOutcome> {
    if (this.group.closed) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the FCM push service is closed');
    if (notification.service !== 'fcm') return Promise.resolve(LOCAL_REJECTIONS.noMatchingPool);
    const prepared = prepareFcmRequest(notification, this.defaults);
    if (isRejection(prepared)) return Promise.resolve(prepared);
    return this.group.submit(prepared);
  }

  /** Sends a request already prepared by `prepareFcmRequest`. Same refusals as `send`. */
  submitPrepared(prepared: FcmRequest): Promise<PushOutcome> {
    return this.group.submit(prepared);
  }

  stats(): FcmServiceStats {
    return { ...this.group.stats(), tokensFetched: this.tokens.fetched };
  }

  /** Refuses new sends, lets accepted ones finish (≤ graceMs; default: every attempt and wait), then closes. */
  close(graceMs?: number): Promise<void> {
    return this.group.close(graceMs);
  }
}

/** The service-account file, checked as parseServiceAccount does; a HERALD_CONFIG_FILE naming `key` otherwise. */
function readServiceAccount(key: string, path: string): FcmServiceAccount {
  const parsed = parseServiceAccount(readConfiguredFileOrThrow(key, path));
  if (!parsed.ok) throw ConfigFileError.of(key, path, parsed.problem);
  return parsed.value;
}
