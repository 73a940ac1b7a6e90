/**
 * The APNS simulator: an HTTP/2 TLS server that answers provider requests like
 * api.push.apple.com (reference: apns-fcm.md), for tests, the demo and benchmarks. The server,
 * latency and fault modes are ../shared/simulator-server.ts; this file is Apple's protocol:
 * the order of checks, token and certificate auth, and Apple's answers.
 */
import { randomUUID } from 'node:crypto';
import type { Http2Session, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { TlsPair } from '../../core/tls.js';
import { BaseSimulator, listening } from '../shared/base-simulator.js';
import { readBody } from '../shared/request-body.js';
import { Recorder } from '../shared/recorder.js';
import { SimulatorServer } from '../shared/simulator-server.js';
import { requestDetail, withExchange } from '../shared/exchange-detail.js';
import { apnsAnswer, burstRejection, goawayData, respond } from './answer.js';
import { AuthenticatedSessions } from './authenticated-sessions.js';
import { CertificateAuthority, type SessionCertificate } from './certificates.js';
import { JwtVerifier } from './jwt-verifier.js';
import { resolveOptions, type ApnsSimulatorOptions, type ResolvedOptions } from './options.js';
import { apnsPrograms, toBehaviour, type TokenBehaviour, type TransportFault } from './programs.js';
import type { Rejection } from './reasons.js';
import {
  APNS_RECORDS,
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

/**
 * Per-session memory cap, MB. Node's 10 MB default resets streams (ENHANCE_YOUR_CALM) at
 * 500+ in flight (baseline-measurements.md); Apple-sized stream limits need headroom.
 */
const SESSION_MEMORY_MB = 64;
/** Body bytes buffered: one more than the largest payload Apple accepts; beyond it only the size matters. */
const BODY_BUFFER_LIMIT = MAX_VOIP_PAYLOAD_BYTES + 1;
const EMPTY = Buffer.alloc(0);
const ignore = (): void => {};

export async function startApnsSimulator(options: ApnsSimulatorOptions = {}): Promise<ApnsSimulator> {
  const resolved = resolveOptions(options);
  return listening(resolved.tls, (tls) => new Simulator(resolved, tls));
}

/** A request read to its end: what the simulator decides on. */
interface ReadRequest {
  stream: ServerHttp2Stream;
  /** The device token from the path; '' when it names none. */
  token: string;
  headers: IncomingHttpHeaders;
  /** The header list as sent (for duplicate headers, which `headers` folds). */
  rawHeaders: string[];
  /** Its first BODY_BUFFER_LIMIT bytes. */
  body: Buffer;
  size: number;
}

class Simulator
  extends BaseSimulator<ReceivedNotification, RejectedNotification, TokenBehaviour>
  implements ApnsSimulator
{
  readonly core: SimulatorServer;
  private readonly verifier: JwtVerifier;
  private readonly certificates: CertificateAuthority;
  private readonly authenticated = new AuthenticatedSessions();
  private readonly rules: HeaderRules;

  constructor(
    private readonly o: ResolvedOptions,
    tls: TlsPair,
  ) {
    super(tls.cert, new Recorder(APNS_RECORDS, o), apnsPrograms());
    this.verifier = new JwtVerifier(o.keys, o.teamId, o.clock);
    this.certificates = new CertificateAuthority(o.certificates, o.environment, o.clock);
    this.rules = { topics: o.topics };
    this.core = new SimulatorServer({
      ...o, // host, port, clock, maxConcurrentStreams, faults
      tls,
      name: 'APNS simulator',
      goawayData,
      recorder: this.recorder,
      // Token auth: one stream until the first valid token (accept-all: the full limit at once).
      gate: o.acceptAll ? undefined : (session) => this.authenticated.has(session),
      requestCert: this.certificates.enabled,
      maxSessionMemory: SESSION_MEMORY_MB,
      onSession: (session) => this.onSession(session),
    });
    // Node passes the raw header list as a 4th argument (@types/node leaves it out).
    const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, raw: string[]): void =>
      this.onStream(stream, headers, raw ?? []);
    this.core.server.on('stream', onStream as (...args: unknown[]) => void);
  }

  get stats(): ApnsSimulatorStats {
    return { ...this.recorder.counts(), rejectedByReason: { ...this.recorder.rejectedBy }, jwtsSeen: this.verifier.jwtsSeen };
  }

  program(token: string, behaviour: TokenBehaviour | TransportFault): void {
    this.programs.set(token, toBehaviour(behaviour));
  }
  setLatency(latencyMs: number, jitterMs = 0): void {
    this.core.faults.set({ latencyMs, jitterMs });
  }
  override reset(): void {
    super.reset();
    this.verifier.reset();
  }

  /** A trusted client certificate authenticates the connection: the full stream limit at once. */
  private onSession(session: Http2Session): void {
    if (this.certificates.identify(session)?.trusted !== true) return;
    this.authenticated.add(session);
    this.core.limits.advertise(session);
  }

  /** Reads the whole body first: Apple answers after the request's end, and so must we. */
  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
    stream.on('error', ignore);
    const path = headers[':path'] ?? '';
    const token = path.startsWith(DEVICE_PATH_PREFIX) ? path.slice(DEVICE_PATH_PREFIX.length) : '';
    this.core.track(stream, token);
    const read = { stream, token, headers, rawHeaders };
    if (this.o.acceptAll && !this.o.record) {
      stream.once('end', () => this.process({ ...read, body: EMPTY, size: 0 }));
      stream.resume();
      return;
    }
    readBody(stream, BODY_BUFFER_LIMIT, (body, size) => this.process({ ...read, body, size }));
  }

  private process(request: ReadRequest): void {
    try {
      this.decide(request);
    } catch {
      // A bug of ours, never the client's: answer like Apple's own failure.
      respond(request.stream, apnsAnswer(randomUUID(), { status: 500, reason: 'InternalServerError' }, 0));
    }
  }

  private decide({ stream, token, headers, rawHeaders, body, size }: ReadRequest): void {
    const now = this.o.clock();
    if (this.o.record) {
      const request = requestDetail(headers[':method'] ?? '', headers[':path'] ?? '', rawHeaders, body, size, BODY_BUFFER_LIMIT);
      this.core.describe(stream, { request, receivedAt: now });
    }
    const fault = this.core.intercept(stream, token, now);
    if (fault === 'handled') return;
    const sentId = headers['apns-id'];
    const apnsId = typeof sentId === 'string' && (this.o.acceptAll || isCanonicalUuid(sentId)) ? sentId : randomUUID();
    // An overloaded server answers before looking at the request.
    if (fault !== undefined) {
      return this.reject(stream, token, apnsId, burstRejection(fault.status), now, 0, fault.retryAfterSeconds);
    }

    const certificate = this.certificates.of(stream.session);
    const rules = certificate?.trusted ? { ...this.rules, certificateTopics: certificate.topics } : this.rules;
    const path = headers[':path'] ?? '';
    const check = this.o.acceptAll ? undefined : validateHeaders(headers[':method'] ?? '', path, headers, rawHeaders, rules);
    if (check !== undefined && !check.ok) return this.reject(stream, token, apnsId, check.rejection, now, 0);

    // Programmed outcomes take the place of Apple's per-device answers (e.g. Unregistered).
    const behaviour = this.programs.size > 0 && token !== '' ? this.programs.take(token) : undefined;
    const extraDelay = behaviour?.delayMs ?? 0;
    if (behaviour?.fault !== undefined) {
      return this.core.breakTransport(stream, behaviour.fault, token, now, extraDelay, behaviour.goawayReason);
    }
    if (behaviour?.status !== undefined) {
      const { status, reason = '', timestamp } = behaviour;
      const programmed = timestamp === undefined ? { status, reason } : { status, reason, timestamp };
      return this.reject(stream, token, apnsId, programmed, now, extraDelay, behaviour.retryAfterSeconds);
    }

    const verdict =
      check === undefined
        ? looseBody(body, this.o.record)
        : this.checkAuthAndPayload(stream, check.request, headers.authorization, certificate, body, size);
    if (!verdict.ok) return this.reject(stream, token, apnsId, verdict.rejection, now, extraDelay);
    this.recorder.accept(this.o.record ? this.record(stream, token, headers, check?.request, apnsId, verdict.payload, now) : undefined);
    this.core.acceptedOn(stream);
    const answer = apnsAnswer(apnsId, undefined, now);
    this.core.answer(stream, extraDelay, answer, () => respond(stream, answer));
  }

  private record(
    stream: ServerHttp2Stream,
    token: string,
    headers: IncomingHttpHeaders,
    request: ParsedRequest | undefined,
    apnsId: string,
    payload: unknown,
    receivedAt: number,
  ): ReceivedNotification {
    const sent = apnsHeaders(headers);
    const topic = request?.topic ?? sent['apns-topic'] ?? '';
    return withExchange({ token, headers: sent, topic, apnsId, payload, receivedAt }, this.core.detailOf(stream));
  }

  private checkAuthAndPayload(
    stream: ServerHttp2Stream,
    request: ParsedRequest,
    authorization: string | undefined,
    certificate: SessionCertificate | undefined,
    body: Buffer,
    size: number,
  ): PayloadCheck {
    const denied = validateTopicForPushType(request) ?? this.authenticate(authorization, certificate);
    if (denied !== undefined) return { ok: false, rejection: denied };
    const session = stream.session;
    if (session !== undefined && !session.destroyed && this.authenticated.add(session)) {
      this.core.limits.advertise(session);
    }
    return validatePayload(body, size, request.pushType);
  }

  /**
   * A connection with a client certificate is judged by it (a trusted one authenticates every
   * request, `authorization` or not); one without uses provider tokens.
   */
  private authenticate(authorization: string | undefined, certificate: SessionCertificate | undefined): Rejection | undefined {
    if (certificate === undefined) return this.verifier.check(authorization);
    return certificate.trusted ? undefined : certificate.rejection;
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
    const record = { token, apnsId, status: rejection.status, reason: rejection.reason, receivedAt: now };
    this.recorder.reject(withExchange(record, this.core.detailOf(stream)));
    this.core.rejectedOn(stream);
    const answer = apnsAnswer(apnsId, rejection, now, retryAfterSeconds);
    this.core.answer(stream, extraDelay, answer, () => respond(stream, answer));
  }
}
