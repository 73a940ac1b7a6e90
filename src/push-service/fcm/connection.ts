/**
 * One persistent HTTP/2 connection to FCM with its own in-flight limit.
 *
 * - In flight ≤ min(our cap, the peer's current SETTINGS_MAX_CONCURRENT_STREAMS): FCM allows 100
 *   streams and answers more with GOAWAY; Node would queue streams above the peer's limit without
 *   bound, so none is started beyond it. One stream is assumed until the peer's SETTINGS arrive.
 * - The session is evicted on 'goaway', 'error', 'frameError' and 'close', and replaced on the
 *   next use after a backoff (apns/backoff.ts). An evicted session finishes what it still can.
 * - A request unanswered after the timeout is `request_timeout` (never resent here) and a PING
 *   checks that the session is still alive.
 */
import http2, { type ClientHttp2Stream, type Settings } from 'node:http2';
import { HeraldError } from '../../core/errors.js';
import { reconnectDelayMs } from '../apns/backoff.js';
import { INITIAL_PEER_STREAMS, SessionSlot, type SessionOwner } from '../apns/session-slot.js';
import { ApnsTransportError as TransportError } from '../apns/transport-error.js';
import { watchFcmExchange, type ExchangeListener } from './exchange.js';

/** What `session.request` throws when the session, not the request, is the problem. */
const UNUSABLE_SESSION_CODES: ReadonlySet<string> = new Set([
  'ERR_HTTP2_INVALID_SESSION',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_OUT_OF_STREAMS',
]);

export interface FcmConnectionOptions {
  /** https://host[:port] */
  endpoint: string;
  ca?: string | Buffer;
  /** Our cap (config `fcm.max_in_flight`, ≤ 100). */
  maxInFlight: number;
  /** Unanswered this long (ms) → `request_timeout` (config `fcm.request_timeout_ms`). */
  requestTimeoutMs: number;
  /** First reconnect delay (ms) (config `fcm.reconnect_backoff_ms`). */
  reconnectBackoffMs: number;
  random?: () => number;
}

export type FcmConnectionState = 'idle' | 'connecting' | 'connected' | 'backoff' | 'closed';

export interface FcmConnectionStats {
  state: FcmConnectionState;
  inFlight: number;
  /** How many may be in flight on the current session now. */
  limit: number;
  sessionsOpened: number;
  consecutiveFailures: number;
  lastEviction: string | undefined;
}

export class FcmConnection implements SessionOwner {
  private current: SessionSlot | undefined = undefined;
  private readonly sessions = new Set<SessionSlot>();
  private inFlightTotal = 0;
  private failures = 0;
  private nextConnectAt = 0;
  private opened = 0;
  private lastEviction: string | undefined = undefined;
  private closed = false;
  private waiter: { resolve: () => void; reject: (e: unknown) => void } | undefined = undefined;
  private backoffTimer: NodeJS.Timeout | undefined = undefined;
  private allClosed: (() => void) | undefined = undefined;
  private readonly random: () => number;

  constructor(private readonly options: FcmConnectionOptions) {
    this.random = options.random ?? Math.random;
  }

  get inFlight(): number {
    return this.inFlightTotal;
  }

  /** True when a request may start now; opens the session lazily (after any backoff). */
  ready(): boolean {
    if (this.closed) return false;
    let slot = this.current;
    if (slot === undefined) {
      if (Date.now() < this.nextConnectAt) return false;
      slot = this.open();
    }
    return slot.inFlight < this.limitOf(slot);
  }

  /** Resolves once `ready()` holds; one waiter (the owning actor). Rejects once closed. */
  whenReady(): Promise<void> {
    if (this.ready()) return Promise.resolve();
    if (this.closed) return Promise.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'FCM connection closed'));
    if (this.waiter !== undefined) return Promise.reject(new Error('FcmConnection.whenReady: one waiter only'));
    return new Promise<void>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.armBackoffTimer();
    });
  }

  /** Starts one send right after `ready()` held; the result goes to `listener` exactly once. */
  request(path: string, body: string, accessToken: string, listener: ExchangeListener): void {
    const slot = this.current;
    if (slot === undefined || this.closed) {
      listener.onTransportFailure(new TransportError('lost', 'no open session'));
      return;
    }
    let stream: ClientHttp2Stream;
    try {
      stream = slot.session.request({
        ':method': 'POST',
        ':path': path,
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json; charset=utf-8',
      });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && UNUSABLE_SESSION_CODES.has(code)) this.evict(slot, `request refused: ${code}`);
      listener.onTransportFailure(new TransportError(slot.connected ? 'lost' : 'connect', String(code)));
      return;
    }
    watchFcmExchange(stream, slot, listener, this.options.requestTimeoutMs);
    if (slot.inFlight++ === 0) slot.session.ref();
    this.inFlightTotal++;
    stream.end(body);
  }

  stats(): FcmConnectionStats {
    const slot = this.current;
    return {
      state: this.state(),
      inFlight: this.inFlightTotal,
      limit: slot === undefined ? Math.min(this.options.maxInFlight, INITIAL_PEER_STREAMS) : this.limitOf(slot),
      sessionsOpened: this.opened,
      consecutiveFailures: this.failures,
      lastEviction: this.lastEviction,
    };
  }

  close(): Promise<void> {
    this.shutDown();
    for (const slot of this.sessions) if (!slot.session.closed) slot.session.close();
    return this.whenAllClosed();
  }

  destroy(): Promise<void> {
    this.shutDown();
    for (const slot of this.sessions) slot.session.destroy();
    return this.whenAllClosed();
  }

  // ---- SessionOwner ----

  release(slot: SessionSlot): void {
    this.inFlightTotal--;
    if (--slot.inFlight === 0) slot.session.unref();
    this.notify();
  }

  answered(slot: SessionSlot): void {
    if (slot.answered) return;
    slot.answered = true;
    if (slot === this.current) this.failures = 0;
  }

  /** A timeout: PING; no PONG within the request timeout → the session is destroyed. */
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
      clearTimeout(deadline);
      slot.probing = false;
    }
  }

  private limitOf(slot: SessionSlot): number {
    return Math.min(this.options.maxInFlight, slot.peerStreams);
  }

  private state(): FcmConnectionState {
    if (this.closed) return 'closed';
    const slot = this.current;
    if (slot !== undefined) return slot.connected ? 'connected' : 'connecting';
    return Date.now() < this.nextConnectAt ? 'backoff' : 'idle';
  }

  private open(): SessionSlot {
    const session = http2.connect(this.options.endpoint, {
      ca: this.options.ca,
      peerMaxConcurrentStreams: INITIAL_PEER_STREAMS,
    });
    const slot = new SessionSlot(session, this);
    this.current = slot;
    this.sessions.add(slot);
    this.opened++;
    session.on('connect', () => {
      slot.connected = true;
    });
    session.on('remoteSettings', (settings: Settings) => {
      // Absent means unlimited (RFC 9113 §6.5.2); our own cap (≤ 100) still applies.
      slot.peerStreams = settings.maxConcurrentStreams ?? Number.MAX_SAFE_INTEGER;
      this.notify();
    });
    session.on('goaway', (code: number, lastStreamId: number) => {
      slot.goawayLastStreamId = lastStreamId;
      this.evict(slot, `GOAWAY code ${code}`);
    });
    session.on('frameError', (type: number, code: number) => this.evict(slot, `frame error type ${type} code ${code}`));
    session.on('error', (e: Error) => {
      slot.lastError = e.message;
      this.evict(slot, `session error: ${e.message}`);
    });
    session.on('close', () => {
      this.evict(slot, slot.lastError === '' ? 'session closed' : `session closed: ${slot.lastError}`);
      this.sessions.delete(slot);
      if (this.sessions.size === 0) this.allClosed?.();
    });
    session.unref();
    return slot;
  }

  private evict(slot: SessionSlot, why: string): void {
    if (slot.evicted) return;
    slot.evicted = true;
    this.lastEviction = why;
    if (slot === this.current) {
      this.current = undefined;
      if (!slot.answered) this.failures++;
      this.nextConnectAt = Date.now() + reconnectDelayMs(this.options.reconnectBackoffMs, this.failures, this.random);
      this.armBackoffTimer();
    }
    if (!slot.session.closed && !slot.session.destroyed) slot.session.close();
  }

  private notify(): void {
    const waiter = this.waiter;
    if (waiter === undefined || !this.ready()) return;
    this.waiter = undefined;
    waiter.resolve();
  }

  private armBackoffTimer(): void {
    if (this.waiter === undefined || this.backoffTimer !== undefined || this.current !== undefined) return;
    this.backoffTimer = setTimeout(
      () => {
        this.backoffTimer = undefined;
        this.notify();
        this.armBackoffTimer();
      },
      Math.max(0, this.nextConnectAt - Date.now()),
    );
  }

  private shutDown(): void {
    this.closed = true;
    this.current = undefined;
    if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'FCM connection closed'));
  }

  private whenAllClosed(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.allClosed = resolve;
    });
  }
}
