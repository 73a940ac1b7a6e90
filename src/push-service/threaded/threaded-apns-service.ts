/**
 * The APNS push service with its senders on worker threads (config `apns.sender_threads`).
 *
 * The main thread keeps the XMPP roles, prepares each request (payload encoded and size-checked,
 * so local refusals never cross a thread) and asks the process's provider token (its own, or
 * one shared with other pools of the same key; none with a client certificate), relayed to the
 * threads; the sender actors and their HTTP/2 connections live in the threads (sender-thread.ts),
 * the pool's connections split among them. Backpressure stays synchronous: each thread's handle counts what
 * it was handed and not yet settled, and when no thread has room `send` throws
 * HERALD_MAILBOX_FULL at once — so a thread's own mailboxes can never be full.
 *
 * Which thread: everything sent during one event-loop turn goes to one thread (a turn costs one
 * postMessage), and the thread of the last turn keeps taking the next turns while it can put
 * their notifications on the wire at once (fewer outstanding than its connections have streams,
 * `apns.max_in_flight` each); otherwise the least loaded thread with room takes the turn.
 * Waking a sleeping thread costs both threads a system call and a context switch, and a thread
 * kept busy takes each batch as it comes instead of waking for it, so light load stays on one
 * thread (REST benchmark, 2 cores: about 10 % less CPU per request than alternating threads turn
 * by turn). Heavier load spreads as before: a thread whose CPU cannot keep up holds its requests
 * longer, its outstanding count reaches its streams, and the next turn goes elsewhere. Threads
 * left idle keep their connections open and PINGed (`warmUp`, `ping_interval_ms`).
 *
 * A thread that dies or cannot start is restarted by its handle, with backoff, for as long as the
 * service exists. While no thread is up, `send` answers `unable_to_connect` at once (REST 503,
 * XMPP wait): nothing is queued for a thread that may be down for long.
 */
import type { ApnsConfig } from '../../core/config/schema.js';
import { readConfiguredFileOrThrow } from '../../core/config/configured-file.js';
import { HeraldError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { ApnsServiceStats } from '../apns-service.js';
import { ApnsTokenProvider, type TokenSource } from '../apns/jwt.js';
import { prepareApnsRequest, type ApnsRequestDefaults } from '../apns/request.js';
import { CERTIFICATE_AUTH } from '../apns/sender-provider.js';
import type { ClientCertificate } from '../http2/connection.js';
import type { ConnectionStats } from '../http2/connection.js';
import { isRejection, LOCAL_REJECTIONS, TRANSPORT_OUTCOMES } from '../http2/rejections.js';
import type { SenderStats } from '../http2/sender-actor.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../notification.js';
import { emptySendCounters, mergeSendCounters, SendCounters, type SendCountersSnapshot } from '../ops/send-counters.js';
import { SenderThreadHandle, type SenderThreadStats, type SenderWorkerFactory } from './sender-thread-handle.js';

/** How often each thread reports its stats (for stats(), health and metrics). */
export const STATS_INTERVAL_MS = 500;

export interface ThreadedApnsOptions {
  endpoint?: string;
  ca?: string;
  /** The .p8 key (PKCS#8 PEM) instead of reading `apns.key_file`. */
  privateKeyPem?: string;
  /**
   * Share a token provider with other services of the same team+key (one JWT per key and
   * process); it is asked on the main thread and its token relayed to the threads.
   */
  tokenProvider?: TokenSource;
  /**
   * Certificate-based auth: every thread presents this TLS client certificate on its
   * connections; no JWT provider is created and no `authorization` header is sent.
   */
  clientCertificate?: ClientCertificate;
  /** Open the connections at start and keep them open (ApnsServiceOptions `warmUp`). */
  warmUp?: boolean;
  /** Where thread deaths, failed starts and restarts are logged; default: nowhere. */
  log?: Logger;
  /** Names the pool in those log lines; default `apns`. */
  pool?: string;
  /** Creates each thread's Worker (default: sender-thread.js); lets a test make threads fail. */
  createWorker?: SenderWorkerFactory;
  /** Jitter source in [0, 1) for restart delays; default Math.random. */
  random?: () => number;
}

/** The stats of the threaded service: the threads' merged stats and each thread's own state. */
export interface ThreadedApnsStats extends ApnsServiceStats {
  threads: SenderThreadStats[];
}

/** What a connection of a thread that is not up reports: it does not exist now. */
const DOWN_CONNECTION: Readonly<ConnectionStats> = Object.freeze({
  state: 'closed',
  inFlight: 0,
  limit: 0,
  peerMaxConcurrentStreams: 0,
  sessionsOpened: 0,
  consecutiveFailures: 0,
  lastEviction: 'its sender thread is not running',
  pingsSent: 0,
});

export class ThreadedApnsPushService implements PushDispatcher {
  /** The provider token source (asked on the main thread); CERTIFICATE_AUTH with a client certificate. */
  readonly tokens: TokenSource;
  private readonly threads: SenderThreadHandle[];
  private readonly defaults: ApnsRequestDefaults;
  /** Outcomes decided on the main thread (no thread up, a thread died): merged into stats(). */
  private readonly localCounters = new SendCounters();
  private closing: Promise<void> | undefined;

  private constructor(apns: ApnsConfig, senderMailboxCapacity: number, options: ThreadedApnsOptions) {
    this.defaults = { defaultTopic: apns.default_topic, expirationS: apns.expiration_s };
    this.tokens =
      options.clientCertificate !== undefined
        ? CERTIFICATE_AUTH
        : (options.tokenProvider ??
          new ApnsTokenProvider({
            teamId: apns.team_id,
            keyId: apns.key_id,
            privateKey: options.privateKeyPem ?? readConfiguredFileOrThrow('apns.key_file', apns.key_file),
            refreshAfterS: apns.jwt_refresh_s,
          }));
    const count = Math.min(apns.sender_threads, apns.connections);
    const authorization = () => this.tokens.authorization();
    this.threads = Array.from({ length: count }, (_, i) => {
      // Connections split as evenly as they go: 5 over 2 threads = 3 + 2.
      const connections = Math.floor(apns.connections / count) + (i < apns.connections % count ? 1 : 0);
      return new SenderThreadHandle(
        {
          apns: { ...apns, connections },
          senderMailboxCapacity,
          endpoint: options.endpoint,
          ca: options.ca,
          statsIntervalMs: STATS_INTERVAL_MS,
          warmUp: options.warmUp,
          clientCertificate: options.clientCertificate,
        },
        connections * senderMailboxCapacity,
        authorization,
        {
          restart: { backoff: apns.sender_thread_restart, random: options.random },
          createWorker: options.createWorker,
          log: options.log,
          counters: this.localCounters,
          pool: options.pool ?? 'apns',
          index: i,
        },
      );
    });
  }

  static async start(apns: ApnsConfig, senderMailboxCapacity: number, options: ThreadedApnsOptions = {}): Promise<ThreadedApnsPushService> {
    const service = new ThreadedApnsPushService(apns, senderMailboxCapacity, options);
    try {
      await Promise.all(service.threads.map((t) => t.start()));
    } catch (e) {
      await service.close(0);
      throw e;
    }
    return service;
  }

  /** Notifications handed to the threads and not yet settled. */
  get outstanding(): number {
    let n = 0;
    for (const t of this.threads) n += t.outstanding;
    return n;
  }

  /** The busiest sender thread's event-loop utilization (0..1). */
  get threadUtilization(): number {
    return Math.max(0, ...this.threads.map((t) => t.utilization));
  }

  /** The sender threads' V8 heaps in bytes, as last reported. */
  get threadHeapUsed(): number {
    return this.threads.reduce((sum, t) => sum + t.heapUsed, 0);
  }

  send(notification: PushNotification): Promise<PushOutcome> {
    if (this.closing) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the APNS push service is closed');
    if (notification.service !== 'apns') return Promise.resolve(LOCAL_REJECTIONS.noMatchingPool);
    const prepared = prepareApnsRequest(notification, this.defaults, Date.now());
    if (isRejection(prepared)) return Promise.resolve(prepared);
    let thread = this.current;
    if (!thread || !(this.inTurn ? thread.hasRoom : thread.canSendAtOnce)) {
      thread = this.leastLoadedWithRoom();
      if (!thread) {
        if (!this.threads.some((t) => t.up)) {
          // No thread to take it, maybe for long (restarts back off): a transient failure now.
          this.localCounters.reject('unable_to_connect');
          return Promise.resolve(TRANSPORT_OUTCOMES.unableToConnect);
        }
        throw new HeraldError('HERALD_MAILBOX_FULL', `${this.outstanding} notifications wait for the APNS sender threads`);
      }
      this.current = thread;
    }
    if (!this.inTurn) {
      this.inTurn = true;
      setImmediate(this.endTurn);
    }
    return thread.submit(prepared);
  }

  /** The thread of this turn, kept for the next turns while it can send at once. */
  private current: SenderThreadHandle | undefined;
  /** A notification was sent during this event-loop turn: `current` takes the rest of it. */
  private inTurn = false;
  private readonly endTurn = (): void => {
    this.inTurn = false;
  };

  /**
   * The running threads' last reported stats, merged (at most STATS_INTERVAL_MS old); a thread
   * that is not up reports its connections `closed`. Counters of earlier runs of a thread are
   * kept (what it counted after its last report before dying is lost with it).
   */
  stats(): ThreadedApnsStats {
    const merged: ThreadedApnsStats = {
      inFlight: 0,
      queued: 0,
      outstanding: 0,
      tokensMinted: this.tokens.minted,
      senders: [],
      counters: emptySendCounters(),
      retryBudgetExhausted: 0,
      threads: [],
    };
    const counters: SendCountersSnapshot[] = [this.localCounters.snapshot()];
    for (const t of this.threads) {
      const s = t.up ? t.lastStats : undefined;
      if (s) {
        merged.inFlight += s.inFlight;
        merged.queued += s.queued;
        merged.senders.push(...s.senders);
        merged.retryBudgetExhausted += s.retryBudgetExhausted;
        counters.push(s.counters);
      } else {
        for (let i = 0; i < t.connections; i++) merged.senders.push(downSender());
      }
      counters.push(t.earlierCounters);
      merged.retryBudgetExhausted += t.earlierRetryBudgetExhausted;
      merged.outstanding += t.outstanding;
      merged.threads.push(t.threadStats());
    }
    merged.counters = mergeSendCounters(counters);
    return merged;
  }

  close(graceMs?: number): Promise<void> {
    this.closing ??= Promise.all(this.threads.map((t) => t.close(graceMs))).then(() => undefined);
    return this.closing;
  }

  /** Ties go round-robin, so that no thread is always the last resort. */
  private leastLoadedWithRoom(): SenderThreadHandle | undefined {
    let best: SenderThreadHandle | undefined;
    const n = this.threads.length;
    this.rotation = (this.rotation + 1) % n;
    for (let k = 0; k < n; k++) {
      const t = this.threads[(this.rotation + k) % n]!;
      if (!t.hasRoom) continue;
      // A thread with a connection that can send beats one whose connections all wait out a
      // reconnect backoff (that one would answer unable_to_connect while another could deliver).
      if (!best || (best.connectable !== t.connectable ? t.connectable : t.outstanding < best.outstanding)) best = t;
    }
    return best;
  }

  private rotation = 0;
}

function downSender(): SenderStats {
  return { mailboxDepth: 0, mailboxCapacity: 0, retriesPending: 0, outstanding: 0, connection: DOWN_CONNECTION };
}
