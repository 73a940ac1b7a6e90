/**
 * One persistent HTTP/2 connection to a push provider (APNS or FCM), with its own in-flight limit.
 * The provider's knowledge comes in as an AnswerReader (answers → outcomes) and as the header
 * blocks the sender hands to `request`; everything else here is the same for both.
 *
 * - In flight ≤ min(our cap, the peer's CURRENT SETTINGS_MAX_CONCURRENT_STREAMS). Apple allows 1
 *   stream until a request carries a valid token and may drop back to 1 later; FCM allows 100 and
 *   answers more with GOAWAY. Node would queue streams above the peer's limit without bound, so
 *   nothing is started beyond it.
 * - The session is evicted on 'goaway', 'error', 'frameError' and 'close', and replaced on the
 *   next use after a backoff (never a reconnect storm). An evicted session finishes the streams
 *   it may still finish (graceful close).
 * - A session with nothing in flight is PINGed every `pingIntervalMs` (Apple drops idle
 *   connections; peers ping every 5–60 s), and so is one whose request timed out; no PONG within
 *   the request timeout → it is destroyed and replaced after the same backoff.
 * - Session changes are logged (connection-log.ts): connected, GOAWAY with its reason, session
 *   and frame errors, PING timeouts, the reconnect and its backoff delay.
 * - A stream that ends without an answer is a transport failure (TransportError), reported apart
 *   from provider answers; a request unanswered after the timeout is the outcome
 *   `request_timeout` and is never resent (the provider may have delivered it).
 */
import http2, { type ClientHttp2Stream, type OutgoingHttpHeaders, type Settings } from 'node:http2';
import { HeraldError } from '../../core/errors.js';
import type { AnswerReader } from './answer-reader.js';
import { backoffDelayMs, type Backoff } from '../../core/backoff.js';
import type { Logger } from '../../core/log.js';
import { DeadlineList } from '../deadline-list.js';
import { ConnectionLog } from './connection-log.js';
import { expireExchange, watchExchange, type Exchange, type ExchangeListener } from './exchange.js';
import { LOCAL_REJECTIONS } from './rejections.js';
import { INITIAL_PEER_STREAMS, SessionSlot, type SessionOwner } from './session-slot.js';
import { TransportError } from './transport-error.js';

/**
 * Session memory budget per allowed stream (MiB): about one 64 KiB flow-control window each.
 * Node's default 10 MiB reset ~1% of streams at 500+ in flight on one session (baseline notes).
 */
const SESSION_MEMORY_PER_STREAM_MIB = 1 / 16;
/** Node's own default; never go below it. */
const MIN_SESSION_MEMORY_MIB = 10;
/** APNS puts `{"reason": …}` in GOAWAY's opaque data; more than this is not worth logging. */
const MAX_GOAWAY_DATA_CHARS = 2_048;
/** What `session.request` throws when the session, not the request, is the problem. */
const UNUSABLE_SESSION_CODES: ReadonlySet<string> = new Set([
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_OUT_OF_STREAMS',
]);

/** A TLS client certificate and its key (PEM), e.g. APNS certificate-based authentication. */
export interface ClientCertificate {
  cert: string;
  key: string;
}

export interface Http2ConnectionOptions {
  /** https://host[:port] */
  endpoint: string;
  /** Names the provider in errors ("APNS", "FCM"). */
  label: string;
  /** How the provider's answers become outcomes. */
  answers: AnswerReader;
  /** Extra trusted CA (PEM), e.g. a simulator's self-signed certificate. */
  ca?: string | Buffer;
  /** Presented in every TLS handshake (APNS certificate auth). */
  clientCertificate?: ClientCertificate;
  /** Our own in-flight cap (config `max_in_flight`). */
  maxInFlight: number;
  /** Unanswered this long (ms) → `request_timeout`; also the PONG deadline (config `request_timeout_ms`). */
  requestTimeoutMs: number;
  /** Reconnect delay, doubled per failed session, with jitter (config `reconnect`). */
  reconnect: Backoff;
  /** PING a connected session with nothing in flight this often (ms); 0 or unset = never (config `ping_interval_ms`). */
  pingIntervalMs?: number;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /**
   * Keep a session open even while idle: reopen it after the backoff that follows an eviction
   * (Apple: "keep your connections with APNs open across multiple notifications"), so that
   * health reports a pool as connected before and between sends. Off by default: lazily opened.
   */
  keepWarm?: boolean;
  /** Where session changes are logged (connection-log.ts); default nowhere. */
  log?: Logger;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'backoff' | 'closed';

export interface ConnectionStats {
  state: ConnectionState;
  /** Requests started and not yet closed, over the current and any draining session. */
  inFlight: number;
  /** How many may be in flight on the current session now: min(maxInFlight, peer streams). */
  limit: number;
  /** The peer's current SETTINGS_MAX_CONCURRENT_STREAMS (INITIAL_PEER_STREAMS before any). */
  peerMaxConcurrentStreams: number;
  /** Sessions opened so far; each replacement adds one. */
  sessionsOpened: number;
  /** Sessions in a row that ended without a single answer (drives the backoff). */
  consecutiveFailures: number;
  /** Why the last session was evicted (GOAWAY reason, socket error, unanswered PING, …). */
  lastEviction: string | undefined;
  /** PINGs sent so far: idle keep-alives and checks after a timeout. */
  pingsSent: number;
}

export class Http2Connection implements SessionOwner {
  private current: SessionSlot | undefined = undefined;
  /** Every open session: the current one and evicted ones still finishing their streams. */
  private readonly sessions = new Set<SessionSlot>();
  private inFlightTotal = 0;
  private failures = 0;
  /** The current session's predecessor ended before it connected. */
  private lastConnectFailed = false;
  private nextConnectAt = 0;
  private opened = 0;
  private pings = 0;
  private lastEviction: string | undefined = undefined;
  private closed = false;
  private waiter: { resolve: () => void; reject: (e: unknown) => void } | undefined = undefined;
  private backoffTimer: NodeJS.Timeout | undefined = undefined;
  private warmTimer: NodeJS.Timeout | undefined = undefined;
  private pingTimer: NodeJS.Timeout | undefined = undefined;
  private allClosed: (() => void) | undefined = undefined;
  private readonly maxSessionMemory: number;
  private readonly random: () => number;
  private readonly log: ConnectionLog;
  /** requestTimeoutMs of every stream, on one unref'd timer (a session socket is ref'd while streams are in flight). */
  private readonly deadlines: DeadlineList<Exchange>;

  constructor(private readonly options: Http2ConnectionOptions) {
    this.maxSessionMemory = Math.max(MIN_SESSION_MEMORY_MIB, Math.ceil(options.maxInFlight * SESSION_MEMORY_PER_STREAM_MIB));
    this.random = options.random ?? Math.random;
    this.log = new ConnectionLog(options.label, options.log);
    this.deadlines = new DeadlineList<Exchange>(options.requestTimeoutMs, expireExchange, false);
    const interval = options.pingIntervalMs ?? 0;
    if (interval > 0) {
      this.pingTimer = setInterval(this.pingIfIdle, interval);
      this.pingTimer.unref(); // keeps no process alive
    }
  }

  get inFlight(): number {
    return this.inFlightTotal;
  }

  /**
   * The last session never connected (refused, unreachable, TLS failure, EMFILE on connect) and
   * the backoff before the next attempt is running: nothing can go out before it ends, which
   * after failures in a row may be up to `reconnect.max_ms`. (A session that connected and
   * then broke is only waited out: its backoff is short and the endpoint is there.)
   */
  /** ms until the running reconnect backoff ends; 0 when none runs. */
  get backoffLeftMs(): number {
    if (this.closed || this.current !== undefined) return 0;
    return Math.max(0, this.nextConnectAt - Date.now());
  }

  get unreachable(): boolean {
    return !this.closed && this.current === undefined && this.lastConnectFailed && Date.now() < this.nextConnectAt;
  }

  /**
   * True when a request may start now. Opens the session lazily (first use, or the first use
   * after the backoff that follows an eviction).
   */
  ready(): boolean {
    if (this.closed) return false;
    let slot = this.current;
    if (slot === undefined) {
      if (Date.now() < this.nextConnectAt) return false;
      slot = this.open();
    }
    return slot.inFlight < this.limitOf(slot);
  }

  /**
   * Opens the session now unless one is open or the backoff is running (then, with `keepWarm`,
   * it is reopened when the backoff ends). Idle sessions are unref'd: this keeps no process alive.
   */
  warmUp(): void {
    if (this.closed || this.current !== undefined || Date.now() < this.nextConnectAt) return;
    this.open();
  }

  /**
   * Resolves once `ready()` holds, or when a reconnect backoff ended without a usable session
   * (the next attempt failed too): the caller checks `ready()` again and decides whether the
   * new backoff is worth waiting (`backoffLeftMs`). One waiter at a time: the owning sender
   * actor, which handles one message at a time; the notifications behind it wait in its bounded
   * mailbox. Rejects with HERALD_SHUTTING_DOWN once the connection is closed.
   */
  whenReady(): Promise<void> {
    if (this.ready()) return Promise.resolve();
    if (this.closed) return Promise.reject(this.closedError());
    if (this.waiter !== undefined) {
      return Promise.reject(new Error('Http2Connection.whenReady: only its owning actor may wait'));
    }
    return new Promise<void>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.armBackoffTimer();
    });
  }

  /**
   * Starts one request on the current session; call only right after `ready()` returned true
   * (or `whenReady()` resolved, in the same tick). The result goes to `listener`, exactly once.
   * `requestId` is handed back to the AnswerReader (APNS apns-id).
   */
  request(headers: OutgoingHttpHeaders, body: string | Buffer, requestId: string, listener: ExchangeListener): void {
    const slot = this.current;
    if (slot === undefined || this.closed) {
      listener.onTransportFailure(new TransportError('unsent', 'no open session'));
      return;
    }
    let stream: ClientHttp2Stream;
    try {
      stream = slot.session.request(headers);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && UNUSABLE_SESSION_CODES.has(code)) {
        this.log.requestRefused(slot.number, code);
        this.evict(slot, `request refused by the session: ${code}`);
        listener.onTransportFailure(new TransportError(slot.connected ? 'unsent' : 'connect', code));
      } else {
        listener.onOutcome(LOCAL_REJECTIONS.invalidNotification); // a header value Node refuses
      }
      return;
    }
    watchExchange(stream, slot, listener, this.options.answers, requestId, this.deadlines);
    if (slot.inFlight++ === 0) slot.session.ref();
    this.inFlightTotal++;
    stream.end(body);
  }

  stats(): ConnectionStats {
    const slot = this.current;
    return {
      state: this.state(),
      inFlight: this.inFlightTotal,
      limit: slot === undefined ? Math.min(this.options.maxInFlight, INITIAL_PEER_STREAMS) : this.limitOf(slot),
      peerMaxConcurrentStreams: slot?.peerStreams ?? INITIAL_PEER_STREAMS,
      sessionsOpened: this.opened,
      consecutiveFailures: this.failures,
      lastEviction: this.lastEviction,
      pingsSent: this.pings,
    };
  }

  /** Stops new requests and resolves when every session has finished its streams and closed. */
  close(): Promise<void> {
    this.shutDown();
    for (const slot of this.sessions) if (!slot.session.closed) slot.session.close();
    return this.whenAllClosed();
  }

  /** Like close(), but destroys the sessions: streams still open fail as transport failures. */
  destroy(): Promise<void> {
    this.shutDown();
    for (const slot of this.sessions) slot.session.destroy();
    return this.whenAllClosed();
  }

  // ---- SessionOwner: called by the exchanges ----

  /** A stream closed: its slot is free. */
  release(slot: SessionSlot): void {
    this.inFlightTotal--;
    if (--slot.inFlight === 0) slot.session.unref(); // an idle session does not keep the process alive
    this.notify();
  }

  /** An answer arrived: the endpoint, TLS and credential work, so the backoff starts over. */
  answered(slot: SessionSlot): void {
    if (slot.answered) return;
    slot.answered = true;
    if (slot === this.current) this.failures = 0;
  }

  /**
   * A request timed out: maybe just a slow answer, maybe a dead connection that no socket
   * event will ever reveal. A PING tells them apart; no PONG within the request timeout →
   * the session is destroyed and its other streams are retried as transport failures.
   */
  probe(slot: SessionSlot): void {
    if (slot.probing || slot.evicted || slot.session.destroyed) return;
    slot.probing = true;
    this.pings++;
    const deadline = setTimeout(() => {
      this.log.pingTimeout(slot.number, this.options.requestTimeoutMs);
      this.evict(slot, 'PING unanswered');
      slot.session.destroy();
    }, this.options.requestTimeoutMs);
    deadline.unref();
    try {
      slot.session.ping((err) => {
        clearTimeout(deadline);
        slot.probing = false;
        if (err) this.evict(slot, `PING failed: ${err.message}`);
      });
    } catch {
      clearTimeout(deadline); // the session went away meanwhile; its 'close' evicts it
      slot.probing = false;
    }
  }

  // ---- internals ----

  /** The idle keep-alive: only a connected session with nothing in flight needs one. */
  private readonly pingIfIdle = (): void => {
    const slot = this.current;
    if (slot !== undefined && slot.connected && slot.inFlight === 0) this.probe(slot);
  };

  private limitOf(slot: SessionSlot): number {
    return Math.min(this.options.maxInFlight, slot.peerStreams);
  }

  private state(): ConnectionState {
    if (this.closed) return 'closed';
    const slot = this.current;
    if (slot !== undefined) return slot.connected ? 'connected' : 'connecting';
    return Date.now() < this.nextConnectAt ? 'backoff' : 'idle';
  }

  private open(): SessionSlot {
    const certificate = this.options.clientCertificate;
    const session = http2.connect(this.options.endpoint, {
      ca: this.options.ca,
      cert: certificate?.cert,
      key: certificate?.key,
      // Start as Apple starts us: 1 stream; the peer's SETTINGS then replace this value.
      peerMaxConcurrentStreams: INITIAL_PEER_STREAMS,
      maxSessionMemory: this.maxSessionMemory,
    });
    const slot = new SessionSlot(session, this, ++this.opened);
    this.current = slot;
    this.sessions.add(slot);
    session.on('connect', () => {
      slot.connected = true;
      this.log.connected(this.options.endpoint, slot.number, this.failures);
    });
    session.on('remoteSettings', (settings: Settings) => {
      // Absent from SETTINGS means unlimited (RFC 9113 §6.5.2); our own cap still applies.
      slot.peerStreams = settings.maxConcurrentStreams ?? Number.MAX_SAFE_INTEGER;
      this.notify();
    });
    session.on('goaway', (code: number, lastStreamId: number, data?: Buffer) => {
      slot.goawayLastStreamId = lastStreamId;
      const reason = goawayData(data);
      this.log.goaway(slot.number, code, lastStreamId, reason);
      this.evict(slot, `GOAWAY code ${code}${reason === undefined ? '' : `: ${reason}`}`);
    });
    session.on('frameError', (type: number, code: number) => {
      this.log.frameError(slot.number, type, code);
      this.evict(slot, `frame error type ${type} code ${code}`);
    });
    session.on('error', (e: Error) => {
      slot.lastError = e.message;
      this.log.sessionError(slot.number, slot.connected, e);
      this.evict(slot, `session error: ${e.message}`);
    });
    session.on('close', () => {
      this.evict(slot, slot.lastError === '' ? 'session closed' : `session closed: ${slot.lastError}`);
      this.sessions.delete(slot);
      if (this.sessions.size === 0) this.allClosed?.();
    });
    session.unref(); // ref'd only while it has streams in flight
    return slot;
  }

  /** Takes a session out of use (once); the next use opens a new one after the backoff. */
  private evict(slot: SessionSlot, why: string): void {
    if (slot.evicted) return;
    slot.evicted = true;
    this.lastEviction = why;
    if (slot === this.current) {
      this.current = undefined;
      if (!slot.answered) this.failures++;
      this.lastConnectFailed = !slot.connected;
      const delayMs = backoffDelayMs(this.options.reconnect, this.failures, this.random);
      this.nextConnectAt = Date.now() + delayMs;
      this.log.lost(slot.number, why, delayMs, this.failures);
      this.armBackoffTimer();
      if (this.options.keepWarm === true) this.armWarmTimer();
    }
    // Graceful: streams the peer still processes may end normally; Node itself destroys the
    // session after an error or a GOAWAY with an error code.
    if (!slot.session.closed && !slot.session.destroyed) slot.session.close();
  }

  /** Wakes the waiting actor once a request may start. */
  private notify(): void {
    const waiter = this.waiter;
    if (waiter === undefined || !this.ready()) return;
    this.waiter = undefined;
    waiter.resolve();
  }

  /**
   * While the actor waits out a backoff, wake it when the backoff ends (ref'd: work is pending):
   * ready by then, or not (another backoff started), it decides again.
   */
  private armBackoffTimer(): void {
    if (this.waiter === undefined || this.backoffTimer !== undefined || this.current !== undefined) return;
    this.backoffTimer = setTimeout(
      () => {
        this.backoffTimer = undefined;
        const waiter = this.waiter;
        if (waiter === undefined) return;
        // A session open with every stream busy: a stream's release wakes the actor (notify).
        if (!this.ready() && this.current !== undefined) return;
        this.waiter = undefined;
        waiter.resolve();
      },
      Math.max(0, this.nextConnectAt - Date.now()),
    );
  }

  /** keepWarm: reopens the evicted session once its backoff ends (unref'd timer). */
  private armWarmTimer(): void {
    if (this.warmTimer !== undefined) return;
    this.warmTimer = setTimeout(
      () => {
        this.warmTimer = undefined;
        // Node's timers run on a monotonic clock and may fire a millisecond before Date.now()
        // reaches nextConnectAt: still inside the backoff, watch again rather than stay cold.
        if (!this.closed && this.current === undefined && Date.now() < this.nextConnectAt) this.armWarmTimer();
        else this.warmUp();
      },
      Math.max(0, this.nextConnectAt - Date.now()),
    );
    this.warmTimer.unref();
  }

  private shutDown(): void {
    this.closed = true;
    for (const timer of [this.warmTimer, this.backoffTimer, this.pingTimer]) if (timer !== undefined) clearTimeout(timer);
    this.warmTimer = undefined;
    this.backoffTimer = undefined;
    this.pingTimer = undefined;
    this.current = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.closedError());
  }

  private closedError(): HeraldError {
    return new HeraldError('HERALD_SHUTTING_DOWN', `${this.options.label} connection closed`);
  }

  private whenAllClosed(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.allClosed = resolve;
    });
  }
}

/** GOAWAY's opaque data as text (APNS: `{"reason":"…"}`), cut to MAX_GOAWAY_DATA_CHARS. */
function goawayData(data: Buffer | undefined): string | undefined {
  if (data === undefined || data.length === 0) return undefined;
  return data.toString('utf8', 0, Math.min(data.length, MAX_GOAWAY_DATA_CHARS));
}
