/**
 * One persistent HTTP/2 connection to APNS, with its own in-flight limit.
 *
 * - In flight ≤ min(our cap, the peer's CURRENT SETTINGS_MAX_CONCURRENT_STREAMS). Apple allows 1
 *   stream until a request carries a valid token and may drop back to 1 later; Node would queue
 *   streams above the peer's limit without bound, so nothing is started beyond it.
 * - The session is evicted on 'goaway', 'error', 'frameError' and 'close', and replaced on the
 *   next use after a backoff (never a reconnect storm). An evicted session finishes the streams
 *   it may still finish (graceful close).
 * - A stream that ends without an answer is a transport failure (ApnsTransportError), reported
 *   apart from provider answers; a request unanswered after the timeout is the outcome
 *   `request_timeout` and is never resent here (Apple may have delivered it).
 */
import http2, { type ClientHttp2Stream, type Settings } from 'node:http2';
import { HeraldError } from '../../core/errors.js';
import { reconnectDelayMs } from './backoff.js';
import { MAX_ERROR_BODY_CHARS, watchExchange, type ApnsExchangeListener } from './exchange.js';
import { apnsRequestHeaders, type ApnsRequest } from './headers.js';
import { LOCAL_REJECTIONS } from './outcome.js';
import { INITIAL_PEER_STREAMS, SessionSlot, type SessionOwner } from './session-slot.js';
import { ApnsTransportError } from './transport-error.js';

/**
 * Session memory budget per allowed stream (MiB): about one 64 KiB flow-control window each.
 * Node's default 10 MiB reset ~1% of streams at 500+ in flight on one session (baseline notes).
 */
const SESSION_MEMORY_PER_STREAM_MIB = 1 / 16;
/** Node's own default; never go below it. */
const MIN_SESSION_MEMORY_MIB = 10;
/** What `session.request` throws when the session, not the request, is the problem. */
const UNUSABLE_SESSION_CODES: ReadonlySet<string> = new Set([
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_OUT_OF_STREAMS',
]);

export interface ApnsConnectionOptions {
  /** https://host[:port] */
  endpoint: string;
  /** Extra trusted CA (PEM), e.g. the simulator's self-signed certificate. */
  ca?: string | Buffer;
  /** Our own in-flight cap (config `apns.max_in_flight`). */
  maxInFlight: number;
  /** Unanswered this long (ms) → `request_timeout` (config `apns.request_timeout_ms`). */
  requestTimeoutMs: number;
  /** First reconnect delay (ms), doubled per failed session up to 30 s (config `apns.reconnect_backoff_ms`). */
  reconnectBackoffMs: number;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /**
   * Keep a session open even while idle: reopen it after the backoff that follows an eviction
   * (Apple: "keep your connections with APNs open across multiple notifications"), so that
   * health reports a pool as connected before and between sends. Off by default: lazily opened.
   */
  keepWarm?: boolean;
}

export type ApnsConnectionState = 'idle' | 'connecting' | 'connected' | 'backoff' | 'closed';

export interface ApnsConnectionStats {
  state: ApnsConnectionState;
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
  /** Why the last session was evicted (GOAWAY reason, socket error, …). */
  lastEviction: string | undefined;
}

export class ApnsConnection implements SessionOwner {
  private current: SessionSlot | undefined = undefined;
  /** Every open session: the current one and evicted ones still finishing their streams. */
  private readonly sessions = new Set<SessionSlot>();
  private inFlightTotal = 0;
  private failures = 0;
  private nextConnectAt = 0;
  private opened = 0;
  private lastEviction: string | undefined = undefined;
  private closed = false;
  private waiter: { resolve: () => void; reject: (e: unknown) => void } | undefined = undefined;
  private backoffTimer: NodeJS.Timeout | undefined = undefined;
  private warmTimer: NodeJS.Timeout | undefined = undefined;
  private allClosed: (() => void) | undefined = undefined;
  private readonly maxSessionMemory: number;
  private readonly random: () => number;

  constructor(private readonly options: ApnsConnectionOptions) {
    this.maxSessionMemory = Math.max(MIN_SESSION_MEMORY_MIB, Math.ceil(options.maxInFlight * SESSION_MEMORY_PER_STREAM_MIB));
    this.random = options.random ?? Math.random;
  }

  get inFlight(): number {
    return this.inFlightTotal;
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
   * Resolves once `ready()` holds. One waiter at a time: the owning sender actor, which handles
   * one message at a time; the notifications behind it wait in its bounded mailbox.
   * Rejects with HERALD_SHUTTING_DOWN once the connection is closed.
   */
  whenReady(): Promise<void> {
    if (this.ready()) return Promise.resolve();
    if (this.closed) return Promise.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'APNS connection closed'));
    if (this.waiter !== undefined) {
      return Promise.reject(new Error('ApnsConnection.whenReady: only its owning actor may wait'));
    }
    return new Promise<void>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.armBackoffTimer();
    });
  }

  /**
   * Starts one request on the current session; call only right after `ready()` returned true
   * (or `whenReady()` resolved, in the same tick). The result goes to `listener`, exactly once.
   */
  request(req: ApnsRequest, authorization: string, listener: ApnsExchangeListener): void {
    const slot = this.current;
    if (slot === undefined || this.closed) {
      listener.onTransportFailure(new ApnsTransportError('lost', 'no open session'));
      return;
    }
    let stream: ClientHttp2Stream;
    try {
      stream = slot.session.request(apnsRequestHeaders(req, authorization));
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && UNUSABLE_SESSION_CODES.has(code)) {
        this.evict(slot, `request refused by the session: ${code}`);
        listener.onTransportFailure(new ApnsTransportError(slot.connected ? 'lost' : 'connect', code));
      } else {
        listener.onOutcome(LOCAL_REJECTIONS.invalidNotification); // a header value Node refuses
      }
      return;
    }
    watchExchange(stream, slot, listener, req.apnsId, this.options.requestTimeoutMs);
    if (slot.inFlight++ === 0) slot.session.ref();
    this.inFlightTotal++;
    stream.end(req.body);
  }

  stats(): ApnsConnectionStats {
    const slot = this.current;
    return {
      state: this.state(),
      inFlight: this.inFlightTotal,
      limit: slot === undefined ? Math.min(this.options.maxInFlight, INITIAL_PEER_STREAMS) : this.limitOf(slot),
      peerMaxConcurrentStreams: slot?.peerStreams ?? INITIAL_PEER_STREAMS,
      sessionsOpened: this.opened,
      consecutiveFailures: this.failures,
      lastEviction: this.lastEviction,
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

  /** An answer arrived: the endpoint, TLS and token work, so the backoff starts over. */
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
    const deadline = setTimeout(() => {
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

  private limitOf(slot: SessionSlot): number {
    return Math.min(this.options.maxInFlight, slot.peerStreams);
  }

  private state(): ApnsConnectionState {
    if (this.closed) return 'closed';
    const slot = this.current;
    if (slot !== undefined) return slot.connected ? 'connected' : 'connecting';
    return Date.now() < this.nextConnectAt ? 'backoff' : 'idle';
  }

  private open(): SessionSlot {
    const session = http2.connect(this.options.endpoint, {
      ca: this.options.ca,
      // Start as Apple starts us: 1 stream; the peer's SETTINGS then replace this value.
      peerMaxConcurrentStreams: INITIAL_PEER_STREAMS,
      maxSessionMemory: this.maxSessionMemory,
    });
    const slot = new SessionSlot(session, this);
    this.current = slot;
    this.sessions.add(slot);
    this.opened++;
    session.on('connect', () => {
      slot.connected = true;
    });
    session.on('remoteSettings', (settings: Settings) => {
      // Absent from SETTINGS means unlimited (RFC 9113 §6.5.2); our own cap still applies.
      slot.peerStreams = settings.maxConcurrentStreams ?? Number.MAX_SAFE_INTEGER;
      this.notify();
    });
    session.on('goaway', (code: number, lastStreamId: number, data?: Buffer) => {
      slot.goawayLastStreamId = lastStreamId;
      this.evict(slot, `GOAWAY code ${code}${goawayReason(data)}`);
    });
    session.on('frameError', (type: number, code: number) => {
      this.evict(slot, `frame error type ${type} code ${code}`);
    });
    session.on('error', (e: Error) => {
      slot.lastError = e.message;
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
      this.nextConnectAt = Date.now() + reconnectDelayMs(this.options.reconnectBackoffMs, this.failures, this.random);
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

  /** While the actor waits out a backoff, wake it when the backoff ends (ref'd: work is pending). */
  private armBackoffTimer(): void {
    if (this.waiter === undefined || this.backoffTimer !== undefined || this.current !== undefined) return;
    const delay = this.nextConnectAt - Date.now();
    this.backoffTimer = setTimeout(
      () => {
        this.backoffTimer = undefined;
        this.notify();
        this.armBackoffTimer(); // still waiting (a slot not yet free): keep watching
      },
      Math.max(0, delay),
    );
  }

  /** keepWarm: reopens the evicted session once its backoff ends (unref'd timer). */
  private armWarmTimer(): void {
    if (this.warmTimer !== undefined) return;
    this.warmTimer = setTimeout(
      () => {
        this.warmTimer = undefined;
        this.warmUp();
      },
      Math.max(0, this.nextConnectAt - Date.now()),
    );
    this.warmTimer.unref();
  }

  private shutDown(): void {
    this.closed = true;
    if (this.warmTimer !== undefined) clearTimeout(this.warmTimer);
    this.warmTimer = undefined;
    this.current = undefined;
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'APNS connection closed'));
  }

  private whenAllClosed(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.allClosed = resolve;
    });
  }
}

/** APNS may put `{"reason": …}` in GOAWAY's opaque data. */
function goawayReason(data: Buffer | undefined): string {
  if (data === undefined || data.length === 0) return '';
  return `: ${data.toString('utf8', 0, Math.min(data.length, MAX_ERROR_BODY_CHARS))}`;
}
