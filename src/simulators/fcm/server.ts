/**
 * The FCM simulator: an HTTP/2 TLS server (HTTP/1.1 too, for the token endpoint) that answers
 * like oauth2.googleapis.com/token and fcm.googleapis.com/v1 (reference: apns-fcm.md). The
 * server, latency and fault modes are ../shared/simulator-server.ts; this file is Google's
 * protocol: the OAuth grant, access tokens, message checks, the quota and the error envelope.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { TlsPair } from '../../core/tls.js';
import { BaseSimulator, listening } from '../shared/base-simulator.js';
import { readBody } from '../shared/request-body.js';
import { Recorder } from '../shared/recorder.js';
import { SimulatorServer, type Exchange } from '../shared/simulator-server.js';
import { AccessTokens } from './access-tokens.js';
import { requestDetail, withExchange, type WireAnswer } from '../shared/exchange-detail.js';
import { burstRejection, goawayData, jsonAnswer, respondJson } from './answer.js';
import { checkGrant, toPublicKey } from './assertion.js';
import { fcmRejection, statusBody, unauthenticated, type FcmErrorCode, type FcmRejection } from './fcm-errors.js';
import { resolveOptions, type FcmSimulatorOptions, type ResolvedOptions } from './options.js';
import { fcmPrograms, toBehaviour, type TokenBehaviour, type TransportFault } from './programs.js';
import { QuotaBucket } from './quota.js';
import { FCM_RECORDS, type FcmSimulatorStats, type ReceivedMessage, type RejectedMessage } from './recorder.js';
import { generateServiceAccount, type ServiceAccount } from './service-account.js';
import type { FcmSimulator } from './simulator.js';
import { BODY_BUFFER_LIMIT, parseSendBody, validateMessage, type ParsedSend } from './validate-message.js';

/** The token endpoint's form is a few KB (one RS256 JWT); a larger body is refused unread. */
const TOKEN_BODY_LIMIT = 16 * 1_024;
const TOKEN_PATH = '/token';
/** `/v1/projects/{project_id}/messages:send` */
const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const BEARER = /^Bearer\s+(\S+)$/i;
/**
 * Body bytes a record keeps of a send (recording only): twice FCM's 4096-byte message limit
 * shows any message it could accept whole, and the start of one too big; the 64 KiB read buffer
 * kept for each of 10 000 records would be 640 MB.
 */
const RECORDED_BODY_LIMIT = 8 * 1_024;
const ignore = (): void => {};

export async function startFcmSimulator(options: FcmSimulatorOptions = {}): Promise<FcmSimulator> {
  const resolved = resolveOptions(options);
  const simulator = await listening(resolved.tls, (tls) => new Simulator(resolved, tls));
  simulator.serviceAccount = await simulator.createServiceAccount();
  return simulator;
}

/** The service account the simulator generated at start, trusted by it (a JSON-ready object). */
export function serviceAccountFor(sim: FcmSimulator): ServiceAccount {
  return sim.serviceAccount;
}

/** A send request's body as parsed before the fault modes see it (they record its token). */
type SendBody = { checked: ParsedSend } | { loose: { token: string; message: unknown } };

class Simulator extends BaseSimulator<ReceivedMessage, RejectedMessage, TokenBehaviour> implements FcmSimulator {
  readonly core: SimulatorServer;
  serviceAccount!: ServiceAccount;
  private readonly tokens: AccessTokens;
  private readonly quota: QuotaBucket | undefined;
  private readonly keys = new Map<string, KeyObject>();
  private validated = 0;
  private grantsRefused = 0;

  constructor(
    private readonly o: ResolvedOptions,
    tls: TlsPair,
  ) {
    super(tls.cert, new Recorder(FCM_RECORDS, o), fcmPrograms());
    this.tokens = new AccessTokens(o.clock);
    this.quota = o.quota === undefined ? undefined : new QuotaBucket(o.quota, o.clock);
    for (const account of o.trustedAccounts) this.keys.set(account.clientEmail, toPublicKey(account.publicKey));
    this.core = new SimulatorServer({
      ...o, // host, port, clock, maxConcurrentStreams, faults
      tls,
      name: 'FCM simulator',
      goawayData,
      recorder: this.recorder,
      allowHTTP1: true,
    });
    this.core.server.on('request', (req, res) => this.onRequest(req, res));
  }

  get tokenUri(): string {
    return this.url + TOKEN_PATH;
  }
  get projectId(): string {
    return this.o.projectId;
  }
  get stats(): FcmSimulatorStats {
    return {
      ...this.recorder.counts(),
      validated: this.validated,
      rejectedByCode: { ...this.recorder.rejectedBy },
      tokensIssued: this.tokens.issued,
      grantsRefused: this.grantsRefused,
    };
  }

  async createServiceAccount(): Promise<ServiceAccount> {
    const { account, publicKey } = await generateServiceAccount(this.o.projectId, this.tokenUri);
    this.keys.set(account.client_email, toPublicKey(publicKey));
    return account;
  }

  program(token: string, behaviour: TokenBehaviour | TransportFault | FcmErrorCode): void {
    this.programs.set(token, toBehaviour(behaviour));
  }
  override reset(): void {
    super.reset();
    this.validated = 0;
    this.grantsRefused = 0;
    this.tokens.reset();
    this.quota?.reset();
  }

  /** Reads the whole body first: FCM answers after the request's end, and so must we. */
  private onRequest(req: Http2ServerRequest, res: Http2ServerResponse): void {
    req.on('error', ignore);
    res.on('error', ignore);
    // HTTP/1.1 requests (allowHTTP1) have no stream: their TLS socket stands for them.
    const exchange: Exchange = req.httpVersionMajor === 2 ? req.stream : req.socket;
    if (req.httpVersionMajor === 2) this.core.track(req.stream, '');
    const limit = req.url === TOKEN_PATH ? TOKEN_BODY_LIMIT : BODY_BUFFER_LIMIT;
    readBody(req, limit, (body, size) => {
      try {
        this.route(req, res, exchange, body, size);
      } catch {
        // A bug of ours, never the client's: answer like Google's own failure.
        respondJson(res, jsonAnswer(500, statusBody(fcmRejection('INTERNAL', 'Internal error encountered.'))));
      }
    });
  }

  private route(req: Http2ServerRequest, res: Http2ServerResponse, x: Exchange, body: Buffer, size: number): void {
    const path = req.url ?? '';
    const send = SEND_PATH.exec(path);
    if (path !== TOKEN_PATH && send === null) {
      return respondJson(res, jsonAnswer(404, JSON.stringify({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } })));
    }
    if (req.method !== 'POST') {
      const message = `Method ${req.method} not allowed; use POST`;
      return respondJson(res, jsonAnswer(405, JSON.stringify({ error: { code: 405, message, status: 'METHOD_NOT_ALLOWED' } })));
    }
    if (send === null) return this.grant(res, x, body, size);
    this.send(req, res, x, send[1]!, body, size); // project ids are [a-z0-9-]: nothing to decode
  }

  /**
   * The OAuth 2.0 token endpoint (RFC 7523 §2.1 grant; RFC 6749 §5.1/§5.2 answers). In reality
   * another host (oauth2.googleapis.com): the fault modes leave it alone.
   */
  private grant(res: Http2ServerResponse, x: Exchange, body: Buffer, size: number): void {
    const check = this.o.acceptAll
      ? { ok: true as const }
      : size > TOKEN_BODY_LIMIT
        ? { ok: false as const, description: 'Request body too large' }
        : checkGrant(new URLSearchParams(body.toString('utf8')), this.keys, this.tokenUri, this.o.clock() / 1_000);
    if (!check.ok) {
      this.grantsRefused++;
      const answer = JSON.stringify({ error: 'invalid_grant', error_description: check.description });
      return this.answer(res, x, 0, jsonAnswer(400, answer));
    }
    const expiresIn = this.o.accessTokenSeconds;
    const answer = { access_token: this.tokens.issue(expiresIn), expires_in: expiresIn, token_type: 'Bearer' };
    this.answer(res, x, 0, jsonAnswer(200, JSON.stringify(answer)));
  }

  private send(
    req: Http2ServerRequest,
    res: Http2ServerResponse,
    x: Exchange,
    projectId: string,
    body: Buffer,
    size: number,
  ): void {
    const now = this.o.clock();
    if (this.o.record) {
      const request = requestDetail(req.method, req.url, req.rawHeaders, body, size, RECORDED_BODY_LIMIT);
      this.core.describe(x, { request, receivedAt: now });
    }
    const sent: SendBody = this.o.acceptAll ? { loose: looseMessage(body) } : { checked: parseSendBody(body, size) };
    const token = 'loose' in sent ? sent.loose.token : sent.checked.ok ? sent.checked.request.token : '';
    const fault = this.core.intercept(x, token, now);
    if (fault === 'handled') return;
    // An overloaded server answers before looking at the request.
    if (fault !== undefined) return this.reject(res, x, token, burstRejection(fault.status), now, 0, fault.retryAfterSeconds);
    if ('loose' in sent) return this.accept(res, x, projectId, sent.loose, now, 0);

    const denied = this.authenticate(req.headers.authorization, projectId);
    if (denied !== undefined) return this.reject(res, x, '', denied, now, 0);
    if (!sent.checked.ok) return this.reject(res, x, '', sent.checked.rejection, now, 0);
    const { message, validateOnly } = sent.checked.request;

    // Programmed outcomes take the place of FCM's per-device answers (e.g. UNREGISTERED).
    const behaviour = this.programs.size > 0 && token !== '' ? this.programs.take(token) : undefined;
    const extraDelay = behaviour?.delayMs ?? 0;
    if (behaviour?.fault !== undefined) {
      return this.core.breakTransport(x, behaviour.fault, token, now, extraDelay, behaviour.goawayReason);
    }
    if (behaviour?.errorCode !== undefined) {
      const programmed = fcmRejection(behaviour.errorCode, `Programmed ${behaviour.errorCode}`);
      return this.reject(res, x, token, programmed, now, extraDelay, behaviour.retryAfterSeconds);
    }

    const invalid = validateMessage(message);
    if (invalid !== undefined) return this.reject(res, x, token, invalid, now, extraDelay);
    if (validateOnly) {
      this.validated++;
      const name = JSON.stringify({ name: `projects/${projectId}/messages/fake_message_id` });
      return this.answer(res, x, extraDelay, jsonAnswer(200, name));
    }
    const quota = this.quota?.take();
    if (quota !== undefined && !quota.ok) {
      const exhausted = fcmRejection('QUOTA_EXCEEDED', 'Quota exceeded for quota metric messages per minute.');
      return this.reject(res, x, token, exhausted, now, extraDelay, quota.retryAfterSeconds);
    }
    this.accept(res, x, projectId, { token, message }, now, extraDelay);
  }

  /** The access token must be one we issued and still valid; the project must be ours. */
  private authenticate(authorization: string | undefined, projectId: string): FcmRejection | undefined {
    const bearer = BEARER.exec(authorization ?? '');
    if (bearer === null) return unauthenticated('Request is missing required authentication credential.');
    const state = this.tokens.check(bearer[1]!);
    if (state !== 'valid') {
      return unauthenticated(`Request had invalid authentication credentials (access token ${state}).`);
    }
    if (projectId !== this.o.projectId) {
      return fcmRejection('SENDER_ID_MISMATCH', `Permission denied on project ${projectId}.`);
    }
    return undefined;
  }

  private accept(
    res: Http2ServerResponse,
    x: Exchange,
    projectId: string,
    sent: { token: string; message: unknown },
    now: number,
    extraDelay: number,
  ): void {
    const name = `projects/${projectId}/messages/${randomBytes(8).toString('hex')}`;
    this.recorder.accept(withExchange({ token: sent.token, message: sent.message, name, receivedAt: now }, this.core.detailOf(x)));
    this.core.acceptedOn(x);
    this.answer(res, x, extraDelay, jsonAnswer(200, JSON.stringify({ name })));
  }

  private reject(
    res: Http2ServerResponse,
    x: Exchange,
    token: string,
    rejection: FcmRejection,
    now: number,
    extraDelay: number,
    retryAfterSeconds?: number,
  ): void {
    const code = rejection.errorCode ?? rejection.rpcStatus;
    const record = { token, status: rejection.status, code, message: rejection.message, receivedAt: now };
    this.recorder.reject(withExchange(record, this.core.detailOf(x)));
    this.core.rejectedOn(x);
    this.answer(res, x, extraDelay, jsonAnswer(rejection.status, statusBody(rejection), retryAfterSeconds));
  }

  /** Writes `answer` once the latency in force plus `extraDelay` has passed. */
  private answer(res: Http2ServerResponse, x: Exchange, extraDelay: number, answer: WireAnswer): void {
    this.core.answer(x, extraDelay, answer, () => respondJson(res, answer));
  }
}

/** Accept-all: the body's `message` when it is JSON with one, else the parsed body or its text. */
function looseMessage(body: Buffer): { token: string; message: unknown } {
  const text = body.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    const message = (parsed as { message?: unknown } | null)?.message ?? parsed;
    const token = (message as { token?: unknown } | null)?.token;
    return { token: typeof token === 'string' ? token : '', message };
  } catch {
    return { token: '', message: text };
  }
}
