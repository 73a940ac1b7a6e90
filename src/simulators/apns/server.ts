/**
 * The APNS simulator: an HTTP/2 TLS server that answers provider requests like
 * api.push.apple.com (reference: apns-fcm.md), for tests, the demo and benchmarks.
 */
import { randomUUID } from 'node:crypto';
import { createSecureServer, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { generateLocalhostPair } from '../../core/tls.js';
import { breakTransport, respond } from './answer.js';
import { Connections } from '../shared/connections.js';
import { AuthenticatedSessions } from './connections.js';
import { JwtVerifier } from './jwt-verifier.js';
import { resolveOptions, type ApnsSimulatorOptions, type ResolvedOptions } from './options.js';
import { TokenPrograms, type TokenBehaviour, type TransportFault } from './programs.js';
import type { Rejection } from './reasons.js';
import {
  Recorder,
  apnsHeaders,
  looseBody,
  type ApnsSimulatorStats,
  type ReceivedNotification,
  type RejectedNotification,
} from './recorder.js';
import type { ApnsSimulator } from './simulator.js';
import {
  DEVICE_PATH_PREFIX,
  MAX_VOIP_PAYLOAD_BYTES,
  isCanonicalUuid,
  validateHeaders,
  validatePayload,
  validateTopicForPushType,
  type HeaderRules,
  type ParsedRequest,
  type PayloadCheck,
} from './validate-request.js';

/** With token auth Apple allows one stream until the first request with a valid token. */
export const STREAMS_BEFORE_AUTH = 1;
/**
 * Per-session memory cap, MB. Node's 10 MB default resets streams (ENHANCE_YOUR_CALM) at
 * 500+ in flight (baseline-measurements.md); Apple-sized stream limits need headroom.
 */
export const SESSION_MEMORY_MB = 64;
/** Body bytes buffered: one more than the largest payload Apple accepts; beyond it only the size matters. */
export const BODY_BUFFER_LIMIT = MAX_VOIP_PAYLOAD_BYTES + 1;
/** waitForReceived's default: long enough for a loaded 2-core CI machine, short enough to fail fast. */
export const DEFAULT_WAIT_MS = 5_000;
const EMPTY = Buffer.alloc(0);
const ignore = (): void => {};


export async function startApnsSimulator(options: ApnsSimulatorOptions = {}): Promise<ApnsSimulator> {
  const resolved = resolveOptions(options);
  const tls = resolved.tls ?? (await generateLocalhostPair());
  const simulator = new Simulator(resolved, tls.cert, tls.key);
  await simulator.listen();
  return simulator;
}

class Simulator implements ApnsSimulator {
  readonly ca: string;
  port = 0;
  private readonly server;
  private readonly connections = new Connections();
  private readonly authenticated = new AuthenticatedSessions();
  private readonly recorder: Recorder;
  private readonly programs = new TokenPrograms();
  private readonly verifier: JwtVerifier;
  private readonly rules: HeaderRules;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly drop = (session: Http2Session): void => this.connections.dropSession(session);
  private latencyMs: number;
  private jitterMs: number;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly o: ResolvedOptions,
    cert: string,
    key: string,
  ) {
    this.ca = cert;
    this.latencyMs = o.latencyMs;
    this.jitterMs = o.jitterMs;
    this.recorder = new Recorder(o.record, o.recordLimit);
    this.verifier = new JwtVerifier(o.keys, o.teamId, o.clock);
    this.rules = { topics: o.topics };
    this.server = createSecureServer({
      cert,
      key,
      maxSessionMemory: SESSION_MEMORY_MB,
      settings: { maxConcurrentStreams: o.acceptAll ? o.maxConcurrentStreams : STREAMS_BEFORE_AUTH },
    });
    this.server.on('connection', (socket) => this.connections.addSocket(socket));
    this.server.on('session', (session) => {
      this.recorder.sessionsOpened++;
      this.connections.addSession(session);
    });
    this.server.on('sessionError', ignore);
    this.server.on('tlsClientError', ignore);
    // Node passes the raw header list as a 4th argument (@types/node leaves it out).
    const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, raw: string[]): void =>
      this.onStream(stream, headers, raw ?? []);
    this.server.on('stream', onStream as (...args: unknown[]) => void);
  }

  get url(): string {
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    return `https://${host}:${this.port}`;
  }
  get received(): readonly ReceivedNotification[] {
    return this.recorder.received;
  }
  get rejected(): readonly RejectedNotification[] {
    return this.recorder.rejected;
  }
  get stats(): ApnsSimulatorStats {
    const r = this.recorder;
    return {
      accepted: r.accepted,
      rejected: r.rejectedCount,
      rejectedByReason: { ...r.rejectedByReason },
      faults: r.faults,
      sessionsOpened: r.sessionsOpened,
      jwtsSeen: this.verifier.jwtsSeen,
    };
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

  waitForReceived(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedNotification[]> {
    return this.recorder.waitFor(count, timeoutMs);
  }
  program(token: string, behaviour: TokenBehaviour | TransportFault): void {
    this.programs.set(token, behaviour);
  }
  clearPrograms(): void {
    this.programs.clear();
  }
  setLatency(latencyMs: number, jitterMs = 0): void {
    resolveOptions({ latencyMs, jitterMs }); // validates both
    this.latencyMs = latencyMs;
    this.jitterMs = jitterMs;
  }
  reset(): void {
    this.recorder.reset();
    this.programs.clear();
    this.verifier.reset();
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.recorder.abandonWaits();
      this.server.close(() => resolve());
      this.connections.destroyAll();
    });
    return this.closing;
  }

  /** Reads the whole body first: Apple answers after the request's end, and so must we. */
  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
    stream.on('error', ignore);
    if (this.o.acceptAll && !this.o.record) {
      stream.once('end', () => this.process(stream, headers, rawHeaders, EMPTY, 0));
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size < BODY_BUFFER_LIMIT) chunks.push(chunk);
      size += chunk.length;
    });
    stream.once('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.process(stream, headers, rawHeaders, body, size);
    });
  }

  private process(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    rawHeaders: string[],
    body: Buffer,
    size: number,
  ): void {
    try {
      this.decide(stream, headers, rawHeaders, body, size);
    } catch {
      // A bug of ours, never the client's: answer like Apple's own failure.
      respond(stream, randomUUID(), { status: 500, reason: 'InternalServerError' }, 0);
    }
  }

  private decide(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    rawHeaders: string[],
    body: Buffer,
    size: number,
  ): void {
    const now = this.o.clock();
    const path = headers[':path'] ?? '';
    const token = path.startsWith(DEVICE_PATH_PREFIX) ? path.slice(DEVICE_PATH_PREFIX.length) : '';
    const sentId = headers['apns-id'];
    const apnsId = typeof sentId === 'string' && (this.o.acceptAll || isCanonicalUuid(sentId)) ? sentId : randomUUID();

    const check = this.o.acceptAll
      ? undefined
      : validateHeaders(headers[':method'] ?? '', path, headers, rawHeaders, this.rules);
    if (check !== undefined && !check.ok) return this.reject(stream, token, apnsId, check.rejection, now, 0);

    // Programmed outcomes take the place of Apple's per-device answers (e.g. Unregistered).
    const behaviour = this.programs.size > 0 && token !== '' ? this.programs.take(token) : undefined;
    const extraDelay = behaviour?.delayMs ?? 0;
    if (behaviour?.fault !== undefined) {
      const { fault, goawayReason } = behaviour;
      this.recorder.faults++;
      return this.after(extraDelay, () => breakTransport(stream, fault, goawayReason, this.drop));
    }
    if (behaviour?.status !== undefined) {
      const programmed = { status: behaviour.status, reason: behaviour.reason ?? '' };
      return this.reject(stream, token, apnsId, programmed, now, extraDelay, behaviour.retryAfterSeconds);
    }

    const verdict =
      check === undefined
        ? looseBody(body, this.o.record)
        : this.checkAuthAndPayload(stream, check.request, headers.authorization, body, size);
    if (!verdict.ok) return this.reject(stream, token, apnsId, verdict.rejection, now, extraDelay);
    const record = this.o.record
      ? { token, headers: apnsHeaders(headers), apnsId, payload: verdict.payload, receivedAt: now }
      : undefined;
    this.recorder.accept(record);
    this.after(extraDelay, () => respond(stream, apnsId, undefined, now));
  }

  private checkAuthAndPayload(
    stream: ServerHttp2Stream,
    request: ParsedRequest,
    authorization: string | undefined,
    body: Buffer,
    size: number,
  ): PayloadCheck {
    const denied = validateTopicForPushType(request) ?? this.verifier.check(authorization);
    if (denied !== undefined) return { ok: false, rejection: denied };
    const session = stream.session;
    if (session !== undefined && !session.destroyed && this.authenticated.add(session)) {
      session.settings({ maxConcurrentStreams: this.o.maxConcurrentStreams });
    }
    return validatePayload(body, size, request.pushType);
  }

  private reject(
    stream: ServerHttp2Stream,
    token: string,
    apnsId: string,
    rejection: Rejection,
    now: number,
    extraDelay: number,
    retryAfterSeconds?: number,
  ): void {
    this.recorder.reject({ token, apnsId, status: rejection.status, reason: rejection.reason, receivedAt: now });
    const session = stream.session;
    if (this.o.oneStreamAfterRejection && session !== undefined && !session.destroyed) {
      if (this.authenticated.delete(session)) session.settings({ maxConcurrentStreams: STREAMS_BEFORE_AUTH });
    }
    this.after(extraDelay, () => respond(stream, apnsId, rejection, now, retryAfterSeconds));
  }

  /** Runs `fn` after the configured latency, jitter and `extraDelay`; at once when all are 0. */
  private after(extraDelay: number, fn: () => void): void {
    const jitter = this.jitterMs > 0 ? Math.random() * this.jitterMs : 0;
    const delay = this.latencyMs + jitter + extraDelay;
    if (delay <= 0) return fn();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delay);
    this.timers.add(timer);
  }
}
