/**
 * What the APNS and FCM simulators do alike: a TLS + HTTP/2 server on a port (0 = any free one),
 * connection bookkeeping, the stream limit per session, latency, and the fault modes. Each
 * simulator adds only its protocol: validation order, auth and its answer envelopes.
 */
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type Http2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import { Socket, type AddressInfo } from 'node:net';
import { HeraldError } from '../../core/errors.js';
import type { TlsPair } from '../../core/tls.js';
import { Connections } from './connections.js';
import { withExchange, type ExchangeDetail, type WireAnswer } from './exchange-detail.js';
import { faultSettingProblems, unknownFaultKeys, type DropFault, type FaultSettings, type GoawayFault } from './fault-settings.js';
import { FaultState, type FaultActions } from './fault-state.js';
import type { FaultedRequest } from './recorder.js';
import { SessionStreams } from './session-streams.js';
import { StreamLimits } from './stream-limits.js';
import { refuseStream, type TransportFault } from './transport-faults.js';

/** The fault modes of a running simulator (`simulator.faults`); see fault-settings.ts. */
export interface SimulatorFaults {
  /** Keys given replace their current value (undefined ends that mode); keys left out are kept. */
  set(settings: FaultSettings): void;
  /** Ends every fault mode: no latency, no bursts, nothing pending; the start stream limit. */
  clear(): void;
  /** The settings in force (counts and durations are what is left of them). */
  current(): FaultSettings;
  /** GOAWAY on every current session now, or after `afterRequests` more requests. */
  goaway(options?: GoawayFault): void;
  /** Destroys every current connection now, or after `afterRequests` more requests. */
  dropConnections(options?: DropFault): void;
  /** Answers and faults waiting out their delay now (latency, jitter, a program's delayMs). */
  held(): number;
}

/** A request as the scaffold sees it: its HTTP/2 stream, or (HTTP/1.1) its TLS socket. */
export type Exchange = ServerHttp2Stream | Socket;

/** A burst's answer, for the simulator to give in its own words (status and envelope). */
export interface BurstAnswer {
  kind: 'error';
  status: 429 | 500 | 503;
  retryAfterSeconds: number | undefined;
}

export interface ScaffoldOptions {
  /** For messages, e.g. 'APNS simulator'. */
  name: string;
  host: string;
  port: number;
  tls: TlsPair;
  clock: () => number;
  /** The stream limit without faults (what faults.clear() returns to). */
  maxConcurrentStreams: number;
  /** Fault modes in force from the start (validated by the caller with its other options). */
  faults: FaultSettings;
  /** GOAWAY debug data for a reason (APNS: JSON; FCM: the text). */
  goawayData: (reason: string | undefined) => Buffer | undefined;
  /** Where faulted requests and sessions are counted (the simulator's Recorder). */
  recorder: { fault(record: FaultedRequest): void; sessionsOpened: number };
  /** Sessions start at 1 stream and get the full limit once this says yes (APNS token auth). */
  gate?: (session: Http2Session) => boolean;
  /** Serve HTTP/1.1 too (FCM's token endpoint clients). */
  allowHTTP1?: boolean;
  /** Ask clients for a certificate (APNS certificate auth); the simulator judges it itself. */
  requestCert?: boolean;
  /** Per-session memory cap, MB (node:http2's maxSessionMemory). */
  maxSessionMemory?: number;
  /** Called for each new session, after it is registered (e.g. to look at its client certificate). */
  onSession?: (session: Http2Session) => void;
}

const ignore = (): void => {};
const isHttp1 = (x: Exchange): x is Socket => x instanceof Socket;

export class SimulatorServer {
  readonly server: Http2SecureServer;
  readonly connections = new Connections();
  readonly limits: StreamLimits;
  readonly faults: SimulatorFaults;
  port = 0;
  private readonly state: FaultState;
  private readonly streams: SessionStreams;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Each exchange's detail while recording (describe()); looked up only when one was given. */
  private readonly details = new WeakMap<Exchange, ExchangeDetail>();
  private described = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly o: ScaffoldOptions) {
    this.state = new FaultState(o.clock, o.maxConcurrentStreams);
    this.state.apply(o.faults); // at start there is no session to act on: only countdowns matter
    this.limits = new StreamLimits(this.state.maxConcurrentStreams, o.gate);
    // Ended after the GOAWAY frame is handed to the socket (node:http2 writes on the next turn).
    this.streams = new SessionStreams((session) => setImmediate(() => this.connections.endSession(session)));
    this.server = createSecureServer({
      cert: o.tls.cert,
      key: o.tls.key,
      allowHTTP1: o.allowHTTP1 ?? false,
      ...(o.maxSessionMemory === undefined ? {} : { maxSessionMemory: o.maxSessionMemory }),
      ...(o.requestCert === true ? { requestCert: true, rejectUnauthorized: false } : {}),
      settings: { maxConcurrentStreams: this.limits.initial },
    });
    this.server.on('connection', (socket: Socket) => this.connections.addSocket(socket));
    this.server.on('secureConnection', (socket) => this.connections.addTlsSocket(socket));
    this.server.on('session', (session) => {
      o.recorder.sessionsOpened++;
      this.connections.addSession(session);
      this.limits.opened(session);
      o.onSession?.(session);
    });
    this.server.on('sessionError', ignore);
    this.server.on('tlsClientError', ignore);
    this.faults = {
      set: (settings) => this.setFaults(settings),
      clear: () => this.carryOut(this.state.clear()),
      current: () => this.state.snapshot(),
      goaway: (options = {}) => this.setFaults({ goaway: options }),
      dropConnections: (options = {}) => this.setFaults({ dropConnections: options }),
      held: () => this.timers.size,
    };
  }

  get url(): string {
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    return `https://${host}:${this.port}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        this.server.on('error', ignore);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Destroys every connection and pending answer; resolves once the server is closed. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.server.close(() => resolve());
      this.connections.destroyAll();
    });
    return this.closing;
  }

  /** A new HTTP/2 stream; `token` (what is known of it yet) is recorded if a GOAWAY refuses it. */
  track(stream: ServerHttp2Stream, token: string): void {
    this.streams.opened(stream, () => this.faulted(stream, token, 'goaway', this.o.clock()));
  }

  /**
   * The request whole, for the records of `x` (recording only): its fault record carries it, and
   * answer() fills in the answer and when it went out.
   */
  describe(x: Exchange, detail: ExchangeDetail): void {
    this.described = true;
    this.details.set(x, detail);
  }

  /**
   * Applies the fault modes to a request about to be processed. 'handled': it was refused or
   * cut off (and recorded); a BurstAnswer: the simulator answers it in its own words;
   * undefined: process it normally.
   */
  intercept(x: Exchange, token: string, now: number): 'handled' | BurstAnswer | undefined {
    if (!isHttp1(x) && this.streams.aboveGoaway(x)) return this.cut(x, token, now, 'goaway');
    const verdict = this.state.verdict();
    if (verdict === undefined) return undefined;
    switch (verdict.kind) {
      case 'error':
        return verdict;
      case 'refuse-stream':
        return this.cut(x, token, now, 'refuse-stream');
      case 'drop-connection':
        this.cut(x, token, now, 'drop-connection');
        this.connections.dropAll();
        return 'handled';
      case 'goaway':
        this.goawayAll(verdict.goaway);
        return this.cut(x, token, now, 'goaway');
    }
  }

  /** The detail describe() gave for `x`, if any. */
  detailOf(x: Exchange): ExchangeDetail | undefined {
    return this.described ? this.details.get(x) : undefined;
  }

  /** The detail of `x`, forgotten: an HTTP/1.1 socket carries the next request (or a token grant) next. */
  private takeDetail(x: Exchange): ExchangeDetail | undefined {
    const detail = this.detailOf(x);
    if (detail !== undefined) this.details.delete(x);
    return detail;
  }

  /**
   * Answers `given` via `respond` after the latency in force plus `extraDelayMs`; the stream
   * counts as processed. A described exchange keeps the answer and the time it went out.
   */
  answer(x: Exchange, extraDelayMs: number, given: WireAnswer, respond: () => void): void {
    if (!isHttp1(x)) this.streams.decided(x);
    const detail = this.takeDetail(x);
    if (detail === undefined) return this.after(this.state.delay(extraDelayMs), respond);
    detail.answer = given;
    this.after(this.state.delay(extraDelayMs), () => {
      respond();
      detail.answeredAt = this.o.clock();
    });
  }

  /** Breaks the transport for a programmed fault after the latency plus `extraDelayMs`, recording it. */
  breakTransport(
    x: Exchange,
    fault: TransportFault,
    token: string,
    now: number,
    extraDelayMs: number,
    goawayReason?: string,
  ): void {
    this.faulted(x, token, fault, now);
    if (!isHttp1(x)) this.streams.refused(x);
    this.after(this.state.delay(extraDelayMs), () => this.break(x, fault, goawayReason));
  }

  /** A non-200 answer on `x`: with dropToOneStreamAfterRejection its session falls to 1 stream. */
  rejectedOn(x: Exchange): void {
    if (this.state.dropToOneStreamAfterRejection && !isHttp1(x)) this.limits.throttle(x.session);
  }

  /** A 200 on `x`: a throttled session gets the full stream limit back. */
  acceptedOn(x: Exchange): void {
    if (!isHttp1(x)) this.limits.accepted(x.session);
  }

  private setFaults(settings: FaultSettings): void {
    const problems = [...unknownFaultKeys(settings, 'faults.'), ...faultSettingProblems(settings, 'faults.')];
    if (problems.length > 0) {
      throw new HeraldError('HERALD_CONFIG_INVALID', `${this.o.name} fault settings out of range: ${problems.join(', ')}`);
    }
    this.carryOut(this.state.apply(settings));
  }

  private carryOut(actions: FaultActions): void {
    if (actions.streamsChanged) {
      this.limits.setLimit(this.state.maxConcurrentStreams, this.connections.sessions);
      this.server.updateSettings({ maxConcurrentStreams: this.limits.initial });
    }
    if (actions.goawayNow !== undefined) this.goawayAll(actions.goawayNow);
    if (actions.dropNow) this.connections.dropAll();
  }

  private goawayAll(goaway: GoawayFault): void {
    const data = this.o.goawayData(goaway.reason);
    const code = goaway.code ?? constants.NGHTTP2_NO_ERROR;
    for (const session of [...this.connections.sessions]) this.streams.goaway(session, code, data);
  }

  /** Records `x` as faulted and refuses it (HTTP/1.1: closes its connection). */
  private cut(x: Exchange, token: string, now: number, fault: TransportFault): 'handled' {
    this.faulted(x, token, fault, now);
    if (isHttp1(x)) {
      x.destroy();
    } else {
      this.streams.refused(x);
      if (fault !== 'drop-connection') this.refuse(x);
    }
    return 'handled';
  }

  /**
   * REFUSED_STREAM on `stream`, unless it is above a GOAWAY's last stream id: nghttp2 closes
   * those itself when the GOAWAY goes out, and a reset of our own on top of it corrupts
   * node:http2's memory (seen on Node 20: the process aborts).
   */
  private refuse(stream: ServerHttp2Stream): void {
    if (!this.streams.aboveGoaway(stream)) refuseStream(stream);
  }

  private break(x: Exchange, fault: TransportFault, goawayReason: string | undefined): void {
    if (fault === 'hang') return;
    if (isHttp1(x)) {
      // HTTP/1.1 has neither GOAWAY nor stream resets: closing the connection is the nearest thing.
      if (!this.connections.drop(x.remoteAddress, x.remotePort)) x.destroy();
      return;
    }
    const session = x.session;
    if (x.destroyed || session === undefined || session.destroyed) return;
    if (fault === 'drop-connection') return this.connections.dropSession(session);
    if (fault === 'goaway') this.streams.goaway(session, constants.NGHTTP2_NO_ERROR, this.o.goawayData(goawayReason));
    // Refused even when the GOAWAY's last stream id covers it (a last stream id of 0 cannot
    // exclude stream 1): REFUSED_STREAM says "not processed" by itself (RFC 9113 §8.7).
    this.refuse(x);
  }

  /** Records `x` as faulted, with its request when it was described. */
  private faulted(x: Exchange, token: string, fault: TransportFault, now: number): void {
    this.o.recorder.fault(withExchange({ token, fault, receivedAt: now }, this.takeDetail(x)));
  }

  /** Runs `fn` after `delayMs`; at once when it is 0. */
  private after(delayMs: number, fn: () => void): void {
    if (delayMs <= 0) return fn();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delayMs);
    this.timers.add(timer);
  }
}
