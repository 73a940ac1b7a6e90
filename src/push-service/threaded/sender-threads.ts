/**
 * An APNS pool's senders on worker threads (config `sender_threads`): an option of the pool
 * (pools/push-pool.ts), in place of its SenderGroup on the main thread.
 *
 * The main thread keeps the XMPP roles, prepares each request (payload encoded and size-checked,
 * so local refusals never cross a thread, pools/push-pool.ts) and asks the pool's provider token
 * (shared with other pools of the same key; none with a client certificate), relayed to the
 * threads; the sender actors and their HTTP/2 connections live in the threads (sender-thread.ts),
 * the pool's connections split among them. Backpressure stays synchronous: each thread's handle
 * counts what it was handed and not yet settled, and when no thread has room `submit` throws
 * HERALD_MAILBOX_FULL at once — so a thread's own mailboxes can never be full.
 *
 * Which thread: everything sent during one event-loop turn goes to one thread (a turn costs one
 * postMessage), and the thread of the last turn keeps taking the next turns while it can put
 * their notifications on the wire at once (fewer outstanding than its connections have streams,
 * `apns.max_in_flight` each); otherwise the balancer (pools/balancer.ts) picks the least loaded
 * thread with room, ties round-robin.
 * Waking a sleeping thread costs both threads a system call and a context switch, and a thread
 * kept busy takes each batch as it comes instead of waking for it, so light load stays on one
 * thread (REST benchmark, 2 cores: about 10 % less CPU per request than alternating threads turn
 * by turn). Heavier load spreads as before: a thread whose CPU cannot keep up holds its requests
 * longer, its outstanding count reaches its streams, and the next turn goes elsewhere. Threads
 * left idle keep their connections open and PINGed (`warmUp`, `ping_interval_ms`).
 *
 * A thread that dies or cannot start is restarted by its handle, with backoff, for as long as the
 * pool exists. While no thread is up, `submit` answers `unable_to_connect` at once (REST 503,
 * XMPP wait): nothing is queued for a thread that may be down for long.
 */
import { HeraldError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { ApnsRequest } from '../apns/headers.js';
import type { ConnectionStats } from '../http2/connection.js';
import { TRANSPORT_OUTCOMES } from '../http2/rejections.js';
import type { SenderStats } from '../http2/sender-actor.js';
import type { PushOutcome } from '../notification.js';
import { emptySendCounters, mergeSendCounters, SendCounters, type SendCountersSnapshot } from '../ops/send-counters.js';
import { pickSender } from '../pools/balancer.js';
import type { ResolvedApnsPool } from '../pools/credentials.js';
import type { PoolSenders, SendersStats } from '../pools/push-pool.js';
import { SenderThreadHandle, type SenderThreadStats, type SenderWorkerFactory } from './sender-thread-handle.js';

/** How often each thread reports its stats (for stats(), health and metrics). */
const STATS_INTERVAL_MS = 500;

export interface SenderThreadsOptions {
  /** Open the connections at start and keep them open (http2/sender-group.ts `warmUp`). */
  warmUp?: boolean;
  /** Where thread deaths, failed starts and restarts are logged; default: nowhere. */
  log?: Logger;
  /** Creates each thread's Worker (default: sender-thread.js); lets a test make threads fail. */
  createWorker?: SenderWorkerFactory;
  /** Jitter source in [0, 1) for restart delays; default Math.random. */
  random?: () => number;
}

/** The stats of the threads: their merged stats and each thread's own state. */
export interface SenderThreadsStats extends SendersStats {
  threads: SenderThreadStats[];
}

/** What the threads need of their pool: where and how to connect, how many connections, on how many threads. */
export type ThreadedPool = Pick<ResolvedApnsPool, 'name' | 'endpoint' | 'ca' | 'connections' | 'threads' | 'transport' | 'threadRestart' | 'auth'>;

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

export class SenderThreads implements PoolSenders<ApnsRequest> {
  private readonly threads: SenderThreadHandle[];
  /** Outcomes decided on the main thread (no thread up, a thread died): merged into stats(). */
  private readonly localCounters = new SendCounters();
  private closing: Promise<void> | undefined;

  private constructor(pool: ThreadedPool, senderMailboxCapacity: number, options: SenderThreadsOptions) {
    const count = Math.min(pool.threads, pool.connections);
    const auth = pool.auth;
    this.threads = Array.from({ length: count }, (_, i) => {
      // Connections split as evenly as they go: 5 over 2 threads = 3 + 2.
      const connections = Math.floor(pool.connections / count) + (i < pool.connections % count ? 1 : 0);
      return new SenderThreadHandle(
        {
          pool: {
            endpoint: pool.endpoint,
            ...(pool.ca !== undefined && { ca: pool.ca }),
            connections,
            transport: pool.transport,
            ...(auth.kind === 'certificate' && { certificate: auth.certificate }),
          },
          senderMailboxCapacity,
          statsIntervalMs: STATS_INTERVAL_MS,
          warmUp: options.warmUp,
        },
        connections * senderMailboxCapacity,
        auth.kind === 'token' ? auth.tokens : undefined,
        {
          restart: { backoff: pool.threadRestart, random: options.random },
          createWorker: options.createWorker,
          log: options.log,
          counters: this.localCounters,
          pool: pool.name,
          index: i,
        },
      );
    });
  }

  /** Starts every thread; rejects (and stops them) if one cannot start. */
  static async start(pool: ThreadedPool, senderMailboxCapacity: number, options: SenderThreadsOptions = {}): Promise<SenderThreads> {
    const senders = new SenderThreads(pool, senderMailboxCapacity, options);
    try {
      await Promise.all(senders.threads.map((t) => t.start()));
    } catch (e) {
      await senders.close(0);
      throw e;
    }
    return senders;
  }

  get closed(): boolean {
    return this.closing !== undefined;
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

  /**
   * Hands a prepared request to a thread. Throws at once HERALD_MAILBOX_FULL when no thread has
   * room, HERALD_SHUTTING_DOWN after close(); answers `unable_to_connect` while no thread is up.
   */
  submit(prepared: ApnsRequest): Promise<PushOutcome> {
    if (this.closing) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the APNS sender threads are closed');
    let thread = this.current;
    if (!thread || !(this.inTurn ? thread.hasRoom : thread.canSendAtOnce)) {
      this.rotation = (this.rotation + 1) % this.threads.length;
      thread = pickSender(this.threads, { from: this.rotation, unreachableAsLastResort: true });
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
  stats(): SenderThreadsStats {
    const merged: SenderThreadsStats = {
      inFlight: 0,
      queued: 0,
      outstanding: 0,
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

  /** Where the balancer starts: ties go round-robin, so that no thread is always the last resort. */
  private rotation = 0;
}

function downSender(): SenderStats {
  return { mailboxDepth: 0, mailboxCapacity: 0, retriesPending: 0, outstanding: 0, connection: DOWN_CONNECTION };
}
