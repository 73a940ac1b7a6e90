/**
 * The Web Push simulator: an HTTP/2 TLS server (HTTP/1.1 too: push services speak both) that
 * answers like a push service (RFC 8030 §5): `POST /push/{subscription}` with VAPID (RFC 8292),
 * TTL/Urgency/Topic and an aes128gcm body (RFC 8291), 201 Created with a Location. It holds each
 * subscription's private key, so it decrypts what it accepts and records the plaintext. The
 * server, latency and fault modes are ../shared/simulator-server.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { decrypt } from '../../crypto/rfc8291/decrypt.js';
import { MAX_BODY_BYTES } from '../../crypto/rfc8291/record-header.js';
import { verifyVapid } from '../../push-service/webpush/vapid-verify.js';
import type { PushSubscription } from '../../push-service/webpush/subscription.js';
import type { TlsPair } from '../../core/tls.js';
import { BaseSimulator, listening } from '../shared/base-simulator.js';
import { requestDetail, withExchange, type WireAnswer } from '../shared/exchange-detail.js';
import { Recorder } from '../shared/recorder.js';
import { readBody } from '../shared/request-body.js';
import { SimulatorServer, type Exchange } from '../shared/simulator-server.js';
import { checkPush, type PushHeaders } from './check-push.js';
import { resolveOptions, type ResolvedOptions, type WebPushSimulatorOptions } from './options.js';
import { toBehaviour, webPushPrograms, type SubscriptionBehaviour, type TransportFault } from './programs.js';
import { WEBPUSH_RECORDS, type ReceivedPush, type RejectedPush, type WebPushSimulatorStats } from './recorder.js';
import { refusalBody, WEBPUSH_REFUSALS, type ProgrammableRefusal, type WebPushRefusal } from './refusals.js';
import type { WebPushSimulator } from './simulator.js';
import { PUSH_PATH_PREFIX, Subscriptions, type HeldSubscription, type SubscribeOptions } from './subscriptions.js';

/** Push message resource ids (Location, RFC 8030 §5): random, like the subscription ids. */
const MESSAGE_ID_BYTES = 16;
/**
 * Body bytes kept in an exchange's detail: none. The body is aes128gcm ciphertext (RFC 8291),
 * meaningless as text; the record's plaintext is what a reader wants, and bodyBytes keeps the size.
 */
const RECORDED_BODY_BYTES = 0;
const ignore = (): void => {};

export async function startWebPushSimulator(options: WebPushSimulatorOptions = {}): Promise<WebPushSimulator> {
  const resolved = resolveOptions(options);
  return listening(resolved.tls, (tls) => new Simulator(resolved, tls));
}

/** What the fault modes and programs see of a request before it is judged. */
interface Push {
  res: Http2ServerResponse;
  x: Exchange;
  id: string;
  now: number;
}

class Simulator extends BaseSimulator<ReceivedPush, RejectedPush, SubscriptionBehaviour> implements WebPushSimulator {
  readonly core: SimulatorServer;
  private readonly subscriptions = new Subscriptions(() => this.url);
  private undecryptable = 0;

  constructor(
    private readonly o: ResolvedOptions,
    tls: TlsPair,
  ) {
    super(tls.cert, new Recorder(WEBPUSH_RECORDS, o), webPushPrograms());
    this.core = new SimulatorServer({
      ...o, // host, port, clock, maxConcurrentStreams, faults
      tls,
      name: 'Web Push simulator',
      // No push service documents GOAWAY debug data: a reason, when given, travels as text.
      goawayData: (reason) => (reason === undefined ? undefined : Buffer.from(reason)),
      recorder: this.recorder,
      allowHTTP1: true,
    });
    this.core.server.on('request', (req, res) => this.onRequest(req, res));
  }

  get stats(): WebPushSimulatorStats {
    return {
      ...this.recorder.counts(),
      rejectedByReason: { ...this.recorder.rejectedBy },
      undecryptable: this.undecryptable,
      subscriptions: this.subscriptions.size,
    };
  }

  createSubscription(options?: SubscribeOptions): PushSubscription {
    return this.subscriptions.create(options);
  }
  removeSubscription(endpointOrId: string): boolean {
    return this.subscriptions.remove(endpointOrId);
  }
  program(endpointOrId: string, behaviour: SubscriptionBehaviour | ProgrammableRefusal | TransportFault): void {
    this.programs.set(this.subscriptions.idOf(endpointOrId), toBehaviour(behaviour));
  }
  override clearProgram(endpointOrId: string): void {
    super.clearProgram(this.subscriptions.idOf(endpointOrId));
  }
  override reset(): void {
    super.reset();
    this.undecryptable = 0;
  }

  /** Reads the whole body first: a push service answers after the request's end. */
  private onRequest(req: Http2ServerRequest, res: Http2ServerResponse): void {
    req.on('error', ignore);
    res.on('error', ignore);
    // HTTP/1.1 requests (allowHTTP1) have no stream: their TLS socket stands for them.
    const x: Exchange = req.httpVersionMajor === 2 ? req.stream : req.socket;
    const path = req.url ?? '';
    const id = path.startsWith(PUSH_PATH_PREFIX) ? path.slice(PUSH_PATH_PREFIX.length) : '';
    if (req.httpVersionMajor === 2) this.core.track(req.stream, id);
    // One octet past the limit is enough to know a body is too large; its size is counted whole.
    readBody(req, MAX_BODY_BYTES + 1, (body, size) => {
      const push: Push = { res, x, id, now: this.o.clock() };
      if (this.o.record) {
        const request = requestDetail(req.method, path, req.rawHeaders, body, size, RECORDED_BODY_BYTES);
        this.core.describe(x, { request, receivedAt: push.now });
      }
      try {
        this.route(req, push, body, size);
      } catch {
        // A bug of ours, never the client's: answer like a push service's own failure.
        respond(res, 500, refusalBody('server-error'));
      }
    });
  }

  private route(req: Http2ServerRequest, p: Push, body: Buffer, size: number): void {
    if (p.id === '' || p.id.includes('/')) return this.refuse(p, 'no-such-path');
    if (req.method !== 'POST') return this.refuse(p, 'method-not-allowed');
    const fault = this.core.intercept(p.x, p.id, p.now);
    if (fault === 'handled') return;
    // An overloaded server answers before looking at the request.
    if (fault !== undefined) return this.refuse(p, fault.status === 429 ? 'too-many-requests' : fault.status === 500 ? 'server-error' : 'unavailable', 0, fault.retryAfterSeconds);

    const held = this.subscriptions.get(p.id);
    if (this.o.acceptAll) return this.accept(p, { ttl: Number(req.headers.ttl ?? 0) }, { plaintext: undefined }, undefined, 0);
    if (held === undefined) return this.refuse(p, this.subscriptions.isEnded(p.id) ? 'gone' : 'not-found');

    const vapid = this.authenticate(req.headers.authorization, held);
    if (vapid !== undefined && !vapid.ok) return this.refuse(p, vapid.refusal, 0, undefined, vapid.problem);

    // Programmed outcomes take the place of the service's per-subscription answers (e.g. 410).
    const behaviour = this.programs.size > 0 ? this.programs.take(p.id) : undefined;
    const extraDelay = behaviour?.delayMs ?? 0;
    if (behaviour?.fault !== undefined) return this.core.breakTransport(p.x, behaviour.fault, p.id, p.now, extraDelay);
    if (behaviour?.refusal !== undefined) return this.refuse(p, behaviour.refusal, extraDelay, behaviour.retryAfterSeconds);

    const checked = checkPush(req.headers, size);
    if (!checked.ok) return this.refuse(p, checked.refusal, extraDelay);
    const opened = size === 0 ? { plaintext: Buffer.alloc(0) } : this.open(body, held);
    this.accept(p, checked.push, opened, vapid?.subject, extraDelay);
  }

  /**
   * RFC 8292 §4.2: a restricted subscription needs VAPID by its key; others need VAPID when
   * `requireVapid` (FCM, Apple) and have it checked whenever it is sent (autopush). undefined: none sent, none needed.
   */
  private authenticate(
    authorization: string | undefined,
    held: HeldSubscription,
  ): { ok: true; subject: string } | { ok: false; refusal: WebPushRefusal; problem: string } | undefined {
    const needed = this.o.requireVapid || held.applicationServerKey !== undefined;
    if (authorization === undefined && !needed) return undefined;
    const verdict = verifyVapid(authorization, this.url, Math.floor(this.o.clock() / 1_000));
    if (!verdict.ok) return { ok: false, refusal: verdict.status === 401 ? 'missing-vapid' : 'bad-vapid', problem: verdict.problem };
    if (held.applicationServerKey !== undefined && verdict.publicKey !== held.applicationServerKey) {
      return { ok: false, refusal: 'bad-vapid', problem: "k is not the subscription's applicationServerKey" };
    }
    return { ok: true, subject: verdict.subject };
  }

  /** What the browser would read: the plaintext, or why it could not. */
  private open(body: Buffer, held: HeldSubscription): { plaintext: Buffer | undefined; problem?: string } {
    const opened = decrypt(body, held.privateKey, held.authSecret);
    if (opened.ok) return { plaintext: Buffer.from(opened.plaintext) };
    this.undecryptable++;
    return { plaintext: undefined, problem: opened.problem };
  }

  private accept(
    p: Push,
    headers: PushHeaders,
    opened: { plaintext: Buffer | undefined; problem?: string },
    vapidSubject: string | undefined,
    extraDelay: number,
  ): void {
    const messageId = randomBytes(MESSAGE_ID_BYTES).toString('base64url');
    if (this.recorder.recording) {
      const record: ReceivedPush = { token: p.id, plaintext: opened.plaintext, ...headers, messageId, receivedAt: p.now };
      if (opened.problem !== undefined) record.problem = opened.problem;
      if (vapidSubject !== undefined) record.vapidSubject = vapidSubject;
      this.recorder.accept(withExchange(record, this.core.detailOf(p.x)));
    } else {
      this.recorder.accept(undefined);
    }
    this.core.acceptedOn(p.x);
    // RFC 8030 §5: 201 Created, Location: the push message resource.
    const created: WireAnswer = { status: 201, headers: { location: `${this.url}/m/${messageId}` } };
    this.core.answer(p.x, extraDelay, created, () => respond(p.res, created.status, '', created.headers));
  }

  private refuse(p: Push, refusal: WebPushRefusal, extraDelay = 0, retryAfterSeconds?: number, detail?: string): void {
    const { status, message } = WEBPUSH_REFUSALS[refusal];
    this.recorder.reject(withExchange({ token: p.id, status, reason: refusal, message: detail ?? message, receivedAt: p.now }, this.core.detailOf(p.x)));
    this.core.rejectedOn(p.x);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    const refused: WireAnswer = { status, headers, body: refusalBody(refusal, detail) };
    this.core.answer(p.x, extraDelay, refused, () => respond(p.res, status, refused.body!, headers));
  }
}

/** Answers `status`; silently gives up when the client is already gone. */
function respond(res: Http2ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  try {
    res.writeHead(status, headers);
    res.end(body);
  } catch {
    // The connection went away between the decision and the answer: nobody is left to tell.
  }
}
