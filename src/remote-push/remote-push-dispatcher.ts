/**
 * The App Server's bridge to a remote MongoosePush-compatible push service (another Herald,
 * MongoosePush), as MongooseIM's mod_push_service_mongoosepush: each notification becomes one
 * `POST /{api_version}/notification/{device_id}` with MongooseIM's JSON body.
 *
 * Transport: HTTPS/1.1 (or HTTP/1.1 for an `http://` URL) over a pool of keep-alive connections,
 * one request per connection at a time — what MongooseIM does (an HTTP/1.1 client pool of
 * `max_http_connections` workers). HTTP/1.1 rather than HTTP/2 because it is what every
 * MongoosePush-compatible endpoint serves, including behind an HTTP/1.1-only reverse proxy and
 * at a plain `http://` URL (node:http2 has no fallback and no h2c upgrade); a slow answer then
 * holds one connection, and `connections` is exactly the concurrency the remote sees.
 *
 * Bounds: `connections` requests in flight, `max_pending` waiting for a connection (FIFO), one
 * more refused at once with HERALD_MAILBOX_FULL (the App Server answers wait/resource-constraint);
 * each request gets `request_timeout_ms` from being handed to a connection to its whole answer.
 * Nothing is resent: a POST that may have been processed must not be retried (RFC 9112
 * §9.3.1.1), so a timeout or a broken connection is reported (a `wait` error) and the XMPP
 * server decides.
 */
import { readConfiguredFileOrThrow } from '../core/config/configured-file.js';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../push-service/notification.js';
import { answerOutcome, noAnswerOutcome, type NoAnswer } from './answer-outcome.js';
import { RequestGate } from './request-gate.js';
import { remoteRequestBody, type RemoteApiVersion } from './request-body.js';
import { notificationPath } from './request-path.js';

export type RemotePushConfig = HeraldConfig['remote_push'];

/**
 * An idle connection is closed after this long: before the servers we talk to close it (Node's
 * http server and cowboy, which serves MongoosePush, drop idle HTTP/1.1 connections after 5 s;
 * a shorter `Keep-Alive: timeout=` hint is honoured by node:http). Sending on a connection the
 * server is closing would fail a POST we may not resend (RFC 9112 §9.3.1.1).
 */
export const IDLE_CONNECTION_TIMEOUT_MS = 4_000;
/** Bytes of an answer body kept: MongoosePush answers `null` or `{"reason":"…"}`; the rest is drained. */
export const MAX_ANSWER_BYTES = 4_096;

export interface RemotePushOptions {
  /** Base URL of the service: `https://host:port` or with a path prefix (`https://host/push`). */
  url: string;
  apiVersion: RemoteApiVersion;
  /** Keep-alive connections, one request each at a time: the concurrency. */
  connections: number;
  /** Notifications waiting for a connection; one more is refused with HERALD_MAILBOX_FULL. */
  maxPending: number;
  requestTimeoutMs: number;
  /** Sent as `Authorization: Bearer <token>` (Herald's `rest.auth_tokens`). */
  authToken?: string;
  /** PEM CA trusted besides the public roots, e.g. a self-signed service's certificate. */
  ca?: string;
  log?: Logger;
}

/** The dispatcher for `[remote_push]`; reads `ca_file`. */
export function startRemotePush(config: RemotePushConfig, log?: Logger): RemotePushDispatcher {
  if (config.url === undefined) throw new HeraldError('HERALD_CONFIG_INVALID', 'remote_push.url is required when remote_push is enabled');
  const options: RemotePushOptions = {
    url: config.url,
    apiVersion: config.api_version,
    connections: config.connections,
    maxPending: config.max_pending,
    requestTimeoutMs: config.request_timeout_ms,
  };
  if (config.auth_token !== undefined) options.authToken = config.auth_token;
  if (config.ca_file !== undefined) options.ca = readConfiguredFileOrThrow('remote_push.ca_file', config.ca_file);
  if (log) options.log = log;
  return new RemotePushDispatcher(options);
}


/** One notification on its way: what the gate runs. */
interface Exchange {
  path: string;
  body: Buffer;
  deviceId: string;
  resolve(outcome: PushOutcome): void;
  reject(error: unknown): void;
}

export class RemotePushDispatcher implements PushDispatcher {
  private readonly gate: RequestGate;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly target: URL;
  private readonly headers: Readonly<Record<string, string>>;
  private idle: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RemotePushOptions) {
    this.target = new URL(options.url);
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: options.connections,
      maxFreeSockets: options.connections,
      timeout: IDLE_CONNECTION_TIMEOUT_MS,
    };
    if (this.target.protocol === 'https:') {
      this.agent = new https.Agent({ ...agentOptions, ca: options.ca === undefined ? undefined : [...rootCertificates, options.ca] });
      this.request = https.request;
    } else if (this.target.protocol === 'http:') {
      this.agent = new http.Agent(agentOptions);
      this.request = http.request;
    } else {
      throw new HeraldError('HERALD_CONFIG_INVALID', `remote_push.url must be http: or https:, got ${this.target.protocol}`);
    }
    this.gate = new RequestGate(options.connections, options.maxPending);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.authToken !== undefined) headers.authorization = `Bearer ${options.authToken}`;
    this.headers = headers;
  }

  /** Requests on a connection now. */
  get inFlight(): number {
    return this.gate.active;
  }

  /** Notifications waiting for a connection now. */
  get queued(): number {
    return this.gate.queued;
  }

  /** @throws HeraldError HERALD_MAILBOX_FULL at once when every connection is busy and the queue is full. */
  send(notification: PushNotification): Promise<PushOutcome> {
    const built = remoteRequestBody(notification, this.options.apiVersion);
    if (!built.ok) {
      // Our configuration (api_version) is at fault, not the device: `wait`, never `cancel`.
      return Promise.resolve({ ok: false, reason: 'internal_config', providerReason: built.problem });
    }
    let exchange!: Exchange;
    const outcome = new Promise<PushOutcome>((resolve, reject) => {
      exchange = {
        path: notificationPath(this.target.pathname, this.options.apiVersion, notification.device_id),
        body: Buffer.from(built.json, 'utf8'),
        deviceId: notification.device_id,
        resolve,
        reject,
      };
    });
    this.gate.enter({ run: () => this.start(exchange), abandon: (error) => exchange.reject(error) });
    return outcome;
  }

  /**
   * Refuses new notifications and fails the waiting ones with HERALD_SHUTTING_DOWN, lets the
   * requests in flight end (each within request_timeout_ms), then closes the connections.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.gate.close();
      const done = (): void => {
        this.agent.destroy();
        resolve();
      };
      if (this.gate.active === 0) done();
      else this.idle = done;
    });
    return this.closing;
  }

  private start(exchange: Exchange): void {
    let settled = false;
    let connected = false;
    let req: ClientRequest | undefined;
    const finish = (outcome: PushOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!outcome.ok) this.logFailure(exchange, outcome);
      exchange.resolve(outcome);
      this.gate.leave();
      if (this.gate.active === 0 && this.idle) {
        const idle = this.idle;
        this.idle = undefined;
        idle();
      }
    };
    const fail = (kind: NoAnswer, code?: string): void => {
      finish(noAnswerOutcome(kind, code));
      req?.destroy();
    };
    const timer = setTimeout(() => fail('timeout'), this.options.requestTimeoutMs);
    try {
      req = this.request({
        agent: this.agent,
        protocol: this.target.protocol,
        hostname: this.target.hostname.replace(/^\[|\]$/g, ''), // IPv6 literals come bracketed
        port: this.target.port,
        method: 'POST',
        path: exchange.path,
        headers: { ...this.headers, 'content-length': String(exchange.body.length) },
      });
    } catch (e) {
      fail('connect', (e as NodeJS.ErrnoException).code);
      return;
    }
    req.on('socket', (socket) => {
      if (req!.reusedSocket || !socket.connecting) connected = true;
      else socket.once(this.target.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true));
    });
    req.on('response', (res) => readAnswer(res, finish, () => fail('lost', 'ECONNRESET')));
    // Before the connection exists (refused, DNS, TLS): unable_to_connect; after: connection_lost.
    req.on('error', (e: NodeJS.ErrnoException) => fail(connected ? 'lost' : 'connect', e.code));
    req.end(exchange.body);
  }

  private logFailure(exchange: Exchange, outcome: Extract<PushOutcome, { ok: false }>): void {
    // MongooseIM logs 410 as a warning and every other failure as an error.
    const fields = { device_id: exchange.deviceId, reason: outcome.reason, status: outcome.status, remote_reason: outcome.providerReason };
    if (outcome.reason === 'unregistered') this.options.log?.warn('remote_push.device_unregistered', fields);
    else this.options.log?.error('remote_push.failed', fields);
  }
}

/** Reads the answer (keeping at most MAX_ANSWER_BYTES), so the connection can be reused. */
function readAnswer(res: IncomingMessage, finish: (outcome: PushOutcome) => void, lost: () => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  res.on('data', (chunk: Buffer) => {
    if (kept >= MAX_ANSWER_BYTES) return;
    const part = chunk.subarray(0, MAX_ANSWER_BYTES - kept);
    chunks.push(part);
    kept += part.length;
  });
  res.on('end', () => finish(answerOutcome(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
  res.on('aborted', lost);
  res.on('error', lost);
}
