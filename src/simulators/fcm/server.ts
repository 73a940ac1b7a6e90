/**
 * The FCM simulator: an HTTP/2 TLS server (HTTP/1.1 too, for the token endpoint) that answers
 * like oauth2.googleapis.com/token and fcm.googleapis.com/v1 (reference: apns-fcm.md).
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { generateLocalhostPair } from '../../core/tls.js';
import { AccessTokens } from './access-tokens.js';
import { breakTransport, respondJson } from './answer.js';
import { checkGrant, toPublicKey } from './assertion.js';
import { Connections } from '../shared/connections.js';
import { fcmRejection, statusBody, unauthenticated, type FcmErrorCode, type FcmRejection } from './fcm-errors.js';
import { FCM_MAX_CONCURRENT_STREAMS, resolveOptions, type FcmSimulatorOptions, type ResolvedOptions } from './options.js';
import { TokenPrograms, type TokenBehaviour, type TransportFault } from './programs.js';
import { QuotaBucket } from './quota.js';
import { Recorder, type FcmSimulatorStats, type ReceivedMessage, type RejectedMessage } from './recorder.js';
import { generateServiceAccount, type ServiceAccount } from './service-account.js';
import type { FcmSimulator } from './simulator.js';
import { BODY_BUFFER_LIMIT, parseSendBody, validateMessage } from './validate-message.js';

/** waitForReceived's default: long enough for a loaded 2-core CI machine, short enough to fail fast. */
export const DEFAULT_WAIT_MS = 5_000;
/** The token endpoint's form is a few KB (one RS256 JWT); a larger body is refused unread. */
export const TOKEN_BODY_LIMIT = 16 * 1_024;
export const TOKEN_PATH = '/token';
/** `/v1/projects/{project_id}/messages:send` */
const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const BEARER = /^Bearer\s+(\S+)$/i;
const ignore = (): void => {};

export async function startFcmSimulator(options: FcmSimulatorOptions = {}): Promise<FcmSimulator> {
  const resolved = resolveOptions(options);
  const tls = resolved.tls ?? (await generateLocalhostPair());
  const simulator = new Simulator(resolved, tls.cert, tls.key);
  await simulator.listen();
  await simulator.createServiceAccount().then((account) => (simulator.serviceAccount = account));
  return simulator;
}

/** The service account the simulator generated at start, trusted by it (a JSON-ready object). */
export function serviceAccountFor(sim: FcmSimulator): ServiceAccount {
  return sim.serviceAccount;
}

class Simulator implements FcmSimulator {
  readonly ca: string;
  port = 0;
  serviceAccount!: ServiceAccount;
  private readonly server;
  private readonly connections = new Connections();
  private readonly recorder: Recorder;
  private readonly programs = new TokenPrograms();
  private readonly tokens: AccessTokens;
  private readonly quota: QuotaBucket | undefined;
  private readonly keys = new Map<string, KeyObject>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly drop = (address: string | undefined, port: number | undefined): boolean =>
    this.connections.drop(address, port);
  private closing: Promise<void> | undefined;

  constructor(
    private readonly o: ResolvedOptions,
    cert: string,
    key: string,
  ) {
    this.ca = cert;
    this.recorder = new Recorder(o.record, o.recordLimit);
    this.tokens = new AccessTokens(o.clock);
    this.quota = o.quota === undefined ? undefined : new QuotaBucket(o.quota, o.clock);
    for (const account of o.trustedAccounts) this.keys.set(account.clientEmail, toPublicKey(account.publicKey));
    this.server = createSecureServer({
      cert,
      key,
      allowHTTP1: true,
      settings: { maxConcurrentStreams: FCM_MAX_CONCURRENT_STREAMS },
    });
    this.server.on('connection', (socket) => this.connections.addSocket(socket));
    this.server.on('session', (session) => {
      this.recorder.sessionsOpened++;
      this.connections.addSession(session);
    });
    this.server.on('sessionError', ignore);
    this.server.on('tlsClientError', ignore);
    this.server.on('request', (req, res) => this.onRequest(req, res));
  }

  get url(): string {
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    return `https://${host}:${this.port}`;
  }
  get tokenUri(): string {
    return this.url + TOKEN_PATH;
  }
  get projectId(): string {
    return this.o.projectId;
  }
  get received(): readonly ReceivedMessage[] {
    return this.recorder.received;
  }
  get rejected(): readonly RejectedMessage[] {
    return this.recorder.rejected;
  }
  get stats(): FcmSimulatorStats {
    const r = this.recorder;
    return {
      accepted: r.accepted,
      validated: r.validated,
      rejected: r.rejectedCount,
      rejectedByCode: { ...r.rejectedByCode },
      faults: r.faults,
      tokensIssued: this.tokens.issued,
      grantsRefused: r.grantsRefused,
      sessionsOpened: r.sessionsOpened,
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

  async createServiceAccount(): Promise<ServiceAccount> {
    const { account, publicKey } = await generateServiceAccount(this.o.projectId, this.tokenUri);
    this.keys.set(account.client_email, toPublicKey(publicKey));
    return account;
  }

  waitForReceived(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedMessage[]> {
    return this.recorder.waitFor(count, timeoutMs);
  }
  program(token: string, behaviour: TokenBehaviour | TransportFault | FcmErrorCode): void {
    this.programs.set(token, behaviour);
  }
  clearPrograms(): void {
    this.programs.clear();
  }
  reset(): void {
    this.recorder.reset();
    this.programs.clear();
    this.tokens.reset();
    this.quota?.reset();
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

  /** Reads the whole body first: FCM answers after the request's end, and so must we. */
  private onRequest(req: Http2ServerRequest, res: Http2ServerResponse): void {
    req.on('error', ignore);
    res.on('error', ignore);
    const limit = req.url === TOKEN_PATH ? TOKEN_BODY_LIMIT : BODY_BUFFER_LIMIT;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size < limit) chunks.push(chunk);
      size += chunk.length;
    });
    req.once('end', () => {
      try {
        this.route(req, res, Buffer.concat(chunks), size);
      } catch {
        // A bug of ours, never the client's: answer like Google's own failure.
        respondJson(res, 500, statusBody(fcmRejection('INTERNAL', 'Internal error encountered.')));
      }
    });
  }

  private route(req: Http2ServerRequest, res: Http2ServerResponse, body: Buffer, size: number): void {
    const path = req.url ?? '';
    const send = SEND_PATH.exec(path);
    if (path !== TOKEN_PATH && send === null) {
      return respondJson(res, 404, JSON.stringify({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } }));
    }
    if (req.method !== 'POST') {
      const message = `Method ${req.method} not allowed; use POST`;
      return respondJson(res, 405, JSON.stringify({ error: { code: 405, message, status: 'METHOD_NOT_ALLOWED' } }));
    }
    if (send === null) return this.grant(res, body, size);
    this.send(req, res, send[1]!, body, size); // project ids are [a-z0-9-]: nothing to decode
  }

  /** The OAuth 2.0 token endpoint (RFC 7523 §2.1 grant; RFC 6749 §5.1/§5.2 answers). */
  private grant(res: Http2ServerResponse, body: Buffer, size: number): void {
    const check = this.o.acceptAll
      ? { ok: true as const }
      : size > TOKEN_BODY_LIMIT
        ? { ok: false as const, description: 'Request body too large' }
        : checkGrant(new URLSearchParams(body.toString('utf8')), this.keys, this.tokenUri, this.o.clock() / 1_000);
    if (!check.ok) {
      this.recorder.grantsRefused++;
      const answer = JSON.stringify({ error: 'invalid_grant', error_description: check.description });
      return this.after(0, () => respondJson(res, 400, answer));
    }
    const expiresIn = this.o.accessTokenSeconds;
    const answer = { access_token: this.tokens.issue(expiresIn), expires_in: expiresIn, token_type: 'Bearer' };
    this.after(0, () => respondJson(res, 200, JSON.stringify(answer)));
  }

  private send(req: Http2ServerRequest, res: Http2ServerResponse, projectId: string, body: Buffer, size: number): void {
    const now = this.o.clock();
    if (this.o.acceptAll) return this.accept(res, projectId, looseMessage(body), now, 0);

    const denied = this.authenticate(req.headers.authorization, projectId);
    if (denied !== undefined) return this.reject(res, '', denied, now, 0);
    const parsed = parseSendBody(body, size);
    if (!parsed.ok) return this.reject(res, '', parsed.rejection, now, 0);
    const { token, message, validateOnly } = parsed.request;

    // Programmed outcomes take the place of FCM's per-device answers (e.g. UNREGISTERED).
    const behaviour = this.programs.size > 0 && token !== '' ? this.programs.take(token) : undefined;
    const extraDelay = behaviour?.delayMs ?? 0;
    if (behaviour?.fault !== undefined) {
      const fault = behaviour.fault;
      this.recorder.faults++;
      return this.after(extraDelay, () => breakTransport(req, fault, this.drop));
    }
    if (behaviour?.errorCode !== undefined) {
      const programmed = fcmRejection(behaviour.errorCode, `Programmed ${behaviour.errorCode}`);
      return this.reject(res, token, programmed, now, extraDelay, behaviour.retryAfterSeconds);
    }

    const invalid = validateMessage(message);
    if (invalid !== undefined) return this.reject(res, token, invalid, now, extraDelay);
    if (validateOnly) {
      this.recorder.validated++;
      const name = JSON.stringify({ name: `projects/${projectId}/messages/fake_message_id` });
      return this.after(extraDelay, () => respondJson(res, 200, name));
    }
    const quota = this.quota?.take();
    if (quota !== undefined && !quota.ok) {
      const exhausted = fcmRejection('QUOTA_EXCEEDED', 'Quota exceeded for quota metric messages per minute.');
      return this.reject(res, token, exhausted, now, extraDelay, quota.retryAfterSeconds);
    }
    this.accept(res, projectId, { token, message }, now, extraDelay);
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
    projectId: string,
    sent: { token: string; message: unknown },
    now: number,
    extraDelay: number,
  ): void {
    const name = `projects/${projectId}/messages/${randomBytes(8).toString('hex')}`;
    this.recorder.accept({ token: sent.token, message: sent.message, name, receivedAt: now });
    this.after(extraDelay, () => respondJson(res, 200, JSON.stringify({ name })));
  }

  private reject(
    res: Http2ServerResponse,
    token: string,
    rejection: FcmRejection,
    now: number,
    extraDelay: number,
    retryAfterSeconds?: number,
  ): void {
    const code = rejection.errorCode ?? rejection.rpcStatus;
    this.recorder.reject({ token, status: rejection.status, code, message: rejection.message, receivedAt: now });
    this.after(extraDelay, () => respondJson(res, rejection.status, statusBody(rejection), retryAfterSeconds));
  }

  /** Runs `fn` after the configured latency plus `extraDelay`; at once when both are 0. */
  private after(extraDelay: number, fn: () => void): void {
    const delay = this.o.latencyMs + extraDelay;
    if (delay <= 0) return fn();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delay);
    this.timers.add(timer);
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
