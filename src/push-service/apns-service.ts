/**
 * The Push Service's APNS dispatcher: `connections` sender actors, each with one HTTP/2
 * connection, sharing one token provider. `send` refuses what can be refused without Apple
 * (oversize payload, unusable token or header values), then hands the notification to the
 * least-loaded sender with mailbox room; when every mailbox is full it throws
 * HERALD_MAILBOX_FULL at once (backpressure: REST answers 429, XMPP wait/resource-constraint).
 */
import { readFileSync } from 'node:fs';
import type { ActorRuntime } from '../actors/index.js';
import type { ApnsConfig, HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import { ApnsConnection } from './apns/connection.js';
import type { ApnsRequest } from './apns/headers.js';
import { ApnsTokenProvider, type TokenSource } from './apns/jwt.js';
import { isRejection, LOCAL_REJECTIONS } from './apns/outcome.js';
import { prepareApnsRequest, type ApnsRequestDefaults } from './apns/request.js';
import { ApnsSender, type ApnsSenderStats } from './apns/sender-actor.js';
import { leastLoadedWithRoom, senderTotals } from './sender-pool.js';
import type { PushDispatcher, PushNotification, PushOutcome } from './notification.js';
import { SendCounters, type SendCountersSnapshot } from './ops/send-counters.js';

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
  /** Epoch-ms time source for JWT `iat` and apns-expiration; default Date.now. */
  clock?: () => number;
  /** Reconnect jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /**
   * Open every connection at start and keep it open while idle (ApnsConnection `keepWarm`), so
   * that `/healthcheck` sees connected connections before the first send. Herald's engine sets it.
   */
  warmUp?: boolean;
}

export interface ApnsServiceStats {
  /** Requests on the wire, all connections. */
  inFlight: number;
  /** Notifications waiting in sender mailboxes for a stream. */
  queued: number;
  /** Accepted and not yet settled. */
  outstanding: number;
  /** JWTs signed so far by the token provider. */
  tokensMinted: number;
  senders: ApnsSenderStats[];
  /** Outcomes, retries, timeouts and send latencies so far (metrics). */
  counters: SendCountersSnapshot;
}

/** Makes nact names unique when several services share one actor runtime. */
let serviceSequence = 0;

export class ApnsPushService implements PushDispatcher {
  readonly tokens: TokenSource;
  private readonly senders: ApnsSender[];
  private readonly defaults: ApnsRequestDefaults;
  private readonly clock: () => number;
  private readonly counters = new SendCounters();
  /**
   * Default close() grace, ms: long enough for every request in flight to be answered or time
   * out on each of its attempts (request_timeout_ms × (transport_retries + 1)).
   */
  private readonly closeGraceMs: number;
  private closing: Promise<void> | undefined = undefined;

  constructor(
    config: ApnsConfig,
    actors: Pick<ActorsConfig, 'sender_mailbox_capacity'>,
    runtime: Pick<ActorRuntime, 'system'>,
    options: ApnsServiceOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.defaults = { defaultTopic: config.default_topic, expirationS: config.expiration_s };
    this.closeGraceMs = config.request_timeout_ms * (config.transport_retries + 1);
    this.tokens =
      options.tokenProvider ??
      new ApnsTokenProvider({
        teamId: config.team_id,
        keyId: config.key_id,
        privateKey: options.privateKeyPem ?? readKeyFile(config.key_file),
        refreshAfterS: config.jwt_refresh_s,
        clock: this.clock,
      });
    const endpoint = options.endpoint ?? config.endpoint;
    const ca = options.ca ?? (config.ca_file === undefined ? undefined : readCaFile(config.ca_file));
    const sequence = serviceSequence++;
    this.senders = [];
    for (let i = 0; i < config.connections; i++) {
      const connection = new ApnsConnection({
        endpoint,
        ca,
        maxInFlight: config.max_in_flight,
        requestTimeoutMs: config.request_timeout_ms,
        reconnectBackoffMs: config.reconnect_backoff_ms,
        random: options.random,
        keepWarm: options.warmUp,
      });
      if (options.warmUp === true) connection.warmUp();
      this.senders.push(
        new ApnsSender({
          parent: runtime.system,
          name: `apns-sender-${sequence}-${i}`,
          mailboxCapacity: actors.sender_mailbox_capacity,
          transportRetries: config.transport_retries,
          connection,
          tokens: this.tokens,
          counters: this.counters,
        }),
      );
    }
  }

  /**
   * Resolves with the outcome; never rejects for a provider's answer. Throws at once (not a
   * rejected promise) HERALD_MAILBOX_FULL when every sender's mailbox is full, and
   * HERALD_SHUTTING_DOWN after close(). Returned outcomes may be shared frozen objects.
   */
  send(notification: PushNotification): Promise<PushOutcome> {
    if (this.closing !== undefined) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the APNS push service is closed');
    if (notification.service !== 'apns') return Promise.resolve(LOCAL_REJECTIONS.noMatchingPool);
    const prepared = prepareApnsRequest(notification, this.defaults, this.clock());
    if (isRejection(prepared)) return Promise.resolve(prepared);
    return this.submitPrepared(prepared);
  }

  /**
   * Sends a request already prepared (and size-checked) by `prepareApnsRequest`, e.g. on the
   * main thread before it crossed to the sender thread. Same refusals as `send`.
   */
  submitPrepared(prepared: ApnsRequest): Promise<PushOutcome> {
    if (this.closing !== undefined) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the APNS push service is closed');
    const sender = leastLoadedWithRoom(this.senders);
    if (sender === undefined) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `all ${this.senders.length} APNS sender mailboxes are full`);
    }
    return sender.submit(prepared);
  }

  stats(): ApnsServiceStats {
    const senders = this.senders.map((s) => s.stats());
    return { ...senderTotals(senders), tokensMinted: this.tokens.minted, senders, counters: this.counters.snapshot() };
  }

  /**
   * Refuses new notifications, lets accepted ones finish (up to `graceMs`; what is left then
   * ends as `connection_lost`), closes the connections and stops the sender actors.
   */
  close(graceMs: number = this.closeGraceMs): Promise<void> {
    this.closing ??= Promise.all(this.senders.map((s) => s.close(graceMs))).then(() => undefined);
    return this.closing;
  }


}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new HeraldError('HERALD_AUTH_KEY_INVALID', `apns.key_file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new HeraldError('HERALD_CONFIG_UNREADABLE', `apns.ca_file ${path}: ${(e as Error).message}`, { cause: e });
  }
}
