/**
 * The Push Service's APNS dispatcher: `connections` sender actors, each with one HTTP/2
 * connection, sharing one token provider (or one client certificate) and one retry budget.
 * `send` refuses what can be refused without Apple (oversize payload, unusable token or header
 * values), then hands the notification to the least-loaded sender with mailbox room; when every
 * mailbox is full it throws HERALD_MAILBOX_FULL at once (backpressure: REST answers 429, XMPP
 * wait/resource-constraint).
 */
import type { ActorRuntime } from '../actors/index.js';
import type { ApnsConfig, HeraldConfig } from '../core/config/schema.js';
import { readConfiguredFileOrThrow } from '../core/config/configured-file.js';
import { HeraldError } from '../core/errors.js';
import { carryKey } from '../core/latency-trace.js';
import { APNS_ANSWERS } from './apns/answer-reader.js';
import type { ApnsRequest } from './apns/headers.js';
import { ApnsTokenProvider, type TokenSource } from './apns/jwt.js';
import { prepareApnsRequest, type ApnsRequestDefaults } from './apns/request.js';
import { apnsSenderProvider, CERTIFICATE_AUTH } from './apns/sender-provider.js';
import type { ClientCertificate } from './http2/connection.js';
import { isRejection, LOCAL_REJECTIONS } from './http2/rejections.js';
import { SenderGroup, type SenderGroupStats } from './http2/sender-group.js';
import type { PushDispatcher, PushNotification, PushOutcome } from './notification.js';
import type { Logger } from '../core/log.js';

export type ActorsConfig = HeraldConfig['actors'];

export interface ApnsServiceOptions {
  /** Endpoint to use instead of `apns.endpoint`, e.g. the in-process simulator's URL. */
  endpoint?: string;
  /** Extra trusted CA (PEM) instead of reading `apns.ca_file`, e.g. the simulator's certificate. */
  ca?: string | Buffer;
  /** The .p8 key (PKCS#8 PEM) instead of reading `apns.key_file`. */
  privateKeyPem?: string;
  /** Share a token provider with other services of the same team+key (one token per key). */
  tokenProvider?: TokenSource;
  /**
   * Certificate-based auth: this TLS client certificate is presented on every connection, no JWT
   * provider is created and no `authorization` header is sent (`tokenProvider` is then ignored).
   */
  clientCertificate?: ClientCertificate;
  /** Epoch-ms time source for JWT `iat` and apns-expiration; default Date.now. */
  clock?: () => number;
  /** Jitter source in [0, 1) for reconnect and retry delays; default Math.random. */
  random?: () => number;
  /**
   * Open every connection at start and keep it open while idle (Http2Connection `keepWarm`), so
   * that `/healthcheck` sees connected connections before the first send. Herald's engine sets it.
   */
  warmUp?: boolean;
  /** Where the HTTP/2 connections log their sessions (http2/connection-log.ts); default nowhere. */
  log?: Logger;
}

export interface ApnsServiceStats extends SenderGroupStats {
  /** JWTs signed so far by the token provider (0 with certificate auth or a relayed token). */
  tokensMinted: number;
}

export class ApnsPushService implements PushDispatcher {
  /** The provider token source; CERTIFICATE_AUTH (no token, nothing minted) with a client certificate. */
  readonly tokens: TokenSource;
  private readonly group: SenderGroup<ApnsRequest>;
  private readonly defaults: ApnsRequestDefaults;
  private readonly clock: () => number;

  constructor(
    config: ApnsConfig,
    actors: Pick<ActorsConfig, 'sender_mailbox_capacity'>,
    runtime: Pick<ActorRuntime, 'system'>,
    options: ApnsServiceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.defaults = { defaultTopic: config.default_topic, expirationS: config.expiration_s };
    this.tokens =
      options.clientCertificate !== undefined
        ? CERTIFICATE_AUTH
        : (options.tokenProvider ??
          new ApnsTokenProvider({
            teamId: config.team_id,
            keyId: config.key_id,
            privateKey: options.privateKeyPem ?? readConfiguredFileOrThrow('apns.key_file', config.key_file),
            refreshAfterS: config.jwt_refresh_s,
            clock: this.clock,
          }));
    this.group = new SenderGroup({
      label: 'APNS',
      config,
      parent: runtime.system,
      mailboxCapacity: actors.sender_mailbox_capacity,
      endpoint: options.endpoint ?? config.endpoint,
      ca: options.ca ?? (config.ca_file === undefined ? undefined : readConfiguredFileOrThrow('apns.ca_file', config.ca_file)),
      clientCertificate: options.clientCertificate,
      answers: APNS_ANSWERS,
      provider: apnsSenderProvider(this.tokens),
      random: options.random,
      warmUp: options.warmUp,
      log: options.log,
    });
  }

  /**
   * Resolves with the outcome; never rejects for a provider's answer. Throws at once (not a
   * rejected promise) HERALD_MAILBOX_FULL when every sender's mailbox is full, and
   * HERALD_SHUTTING_DOWN after close(). Returned outcomes may be shared frozen objects.
   */
  send(notification: PushNotification): Promise<PushOutcome> {
    if (this.group.closed) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the APNS push service is closed');
    if (notification.service !== 'apns') return Promise.resolve(LOCAL_REJECTIONS.noMatchingPool);
    const prepared = prepareApnsRequest(notification, this.defaults, this.clock());
    if (isRejection(prepared)) return Promise.resolve(prepared);
    carryKey(notification, prepared);
    return this.group.submit(prepared);
  }

  /**
   * Sends a request already prepared (and size-checked) by `prepareApnsRequest`, e.g. on the
   * main thread before it crossed to the sender thread: `done` is called once with the outcome
   * (SenderGroup `enqueue`). Same refusals as `send`, thrown.
   */
  enqueuePrepared(prepared: ApnsRequest, done: (outcome: PushOutcome) => void): void {
    this.group.enqueue(prepared, done);
  }

  stats(): ApnsServiceStats {
    return { ...this.group.stats(), tokensMinted: this.tokens.minted };
  }

  /**
   * Refuses new notifications, lets accepted ones finish (up to `graceMs`, by default long
   * enough for every attempt and wait), closes the connections and stops the sender actors.
   */
  close(graceMs?: number): Promise<void> {
    return this.group.close(graceMs);
  }
}

