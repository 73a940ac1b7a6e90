/**
 * One notification request, from headers to answer:
 *
 *   path → route (per API version) → body (byte limit, deadline) → JSON → cast → dispatch → answer
 *
 *   (bearer token first, when `rest.auth_tokens` is set)
 *
 * Hot path: the request's listeners are module functions that find their Exchange through a
 * symbol (no closures per request); fixed answers are prebuilt; nothing is logged for normal
 * traffic. Nothing a client sends, or fails to send, throws out of here.
 */
import type { Readable } from 'node:stream';
import type { PushDispatcher, PushNotification, PushOutcome } from '../notification.js';
import { UNAUTHORIZED, type BearerCheck } from './bearer-auth.js';
import { NOT_JSON_BODY, type InvalidValue } from './invalid-value.js';
import { matchNotificationPath } from './notification-path.js';
import {
  BODY_TIMEOUT,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  jsonResponse,
  type RestResponse,
} from './rest-response.js';
import type { OpsSource } from '../ops/ops-source.js';
import { matchOpsPath, opsResponse } from './ops-routes.js';
import { NOTIFICATION_ROUTES, type NotificationRoute } from './routes.js';
import { isExpectedRefusal, reasonForThrown } from './thrown-errors.js';
import {
  answerWithoutBody,
  writeAnswer,
  type AnswerContext,
  type HttpRequest,
  type HttpResponse,
} from './write-answer.js';

/** What every exchange of one server shares. */
export interface EndpointState extends AnswerContext {
  readonly dispatcher: PushDispatcher;
  /** From rest.auth_tokens; undefined = authentication off. */
  readonly authorize: BearerCheck | undefined;
  /** rest.body_limit_bytes */
  readonly bodyLimit: number;
  /** rest.body_timeout_ms */
  readonly bodyTimeoutMs: number;
  /** Serves GET /healthcheck and GET /metrics when set. */
  readonly ops: OpsSource | undefined;
  readonly statusCounts: Map<number, number>;
  /** Exchanges accepted and not yet answered or abandoned. */
  inFlight: number;
  closing: boolean;
  /** Called (deferred) each time inFlight drops to 0, once set. */
  onIdle: (() => void) | undefined;
}

const UNPROCESSABLE_NOT_JSON = jsonResponse(422, NOT_JSON_BODY);
const EMPTY: Buffer[] = [];

export function handleRequest(state: EndpointState, req: HttpRequest, res: HttpResponse): void {
  // Before anything else, the path included: an unauthenticated client learns nothing and
  // costs no body read.
  if (state.authorize && !state.authorize(req.headers.authorization)) {
    state.log?.warn?.('rest.unauthorized', {
      remote: req.socket?.remoteAddress,
      credentials: req.headers.authorization === undefined ? 'absent' : 'rejected',
    });
    return answerWithoutBody(state, req, res, UNAUTHORIZED);
  }
  const opsPath = matchOpsPath(req.url ?? '');
  if (opsPath !== undefined) return answerWithoutBody(state, req, res, opsResponse(state.ops, opsPath, req.method, state.statusCounts));
  const match = matchNotificationPath(req.url ?? '');
  const route = match && NOTIFICATION_ROUTES.get(match.version);
  if (!match || !route) return answerWithoutBody(state, req, res, NOT_FOUND);
  if (req.method !== 'POST') return answerWithoutBody(state, req, res, METHOD_NOT_ALLOWED);
  // A declared length over the limit is refused before a byte of the body is read.
  const declared = Number(req.headers['content-length']);
  if (declared > state.bodyLimit) return answerWithoutBody(state, req, res, route.bodyTooLarge);
  new Exchange(state, req, res, route, match.version, match.deviceId).start();
}

const EXCHANGE = Symbol('herald.rest.exchange');
type Tagged = Readable & { [EXCHANGE]?: Exchange };

const READING = 0;
const DISPATCHING = 1;
const DONE = 2;

/** One notification request from headers to answer. */
class Exchange {
  private chunks: Buffer[] = [];
  private received = 0;
  private phase: typeof READING | typeof DISPATCHING | typeof DONE = READING;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: EndpointState,
    private readonly req: HttpRequest,
    private readonly res: HttpResponse,
    private readonly route: NotificationRoute,
    private readonly version: string,
    private readonly deviceId: string,
  ) {}

  start(): void {
    this.state.inFlight++;
    const body = this.req as Tagged;
    body[EXCHANGE] = this;
    body.on('data', onBodyData);
    body.on('end', onBodyEnd);
    body.on('error', onRequestGone);
    body.on('close', onRequestGone);
    this.timer = setTimeout(onBodyTimeout, this.state.bodyTimeoutMs, this);
  }

  onData(chunk: Buffer): void {
    if (this.phase !== READING) return;
    this.received += chunk.length;
    if (this.received > this.state.bodyLimit) {
      this.chunks = EMPTY;
      this.answer(this.route.bodyTooLarge, true);
      return;
    }
    this.chunks.push(chunk);
  }

  onEnd(): void {
    if (this.phase !== READING) return;
    this.phase = DISPATCHING;
    clearTimeout(this.timer);
    const chunks = this.chunks;
    this.chunks = EMPTY;
    let json: unknown;
    try {
      const text = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.received);
      json = JSON.parse(text.toString('utf8'));
    } catch {
      this.answer(UNPROCESSABLE_NOT_JSON, false);
      return this.logInvalid(NOT_JSON_BODY.errors);
    }
    const parsed = this.route.parse(json, this.deviceId);
    if (!parsed.ok) {
      this.answer(jsonResponse(422, { errors: parsed.errors }), false);
      return this.logInvalid(parsed.errors);
    }
    void this.dispatch(parsed.notification);
  }

  /** Request body gave up (client reset, socket error) before it was complete. */
  onGone(): void {
    if (this.phase !== READING) return;
    this.chunks = EMPTY;
    this.finish();
  }

  onTimeout(): void {
    if (this.phase !== READING) return;
    this.chunks = EMPTY;
    this.answer(BODY_TIMEOUT, true);
  }

  private async dispatch(notification: PushNotification): Promise<void> {
    let response: RestResponse;
    let failure: Extract<PushOutcome, { ok: false }> | undefined;
    try {
      const outcome = await this.state.dispatcher.send(notification);
      response = this.route.respond(outcome);
      if (!outcome.ok) failure = outcome;
    } catch (error) {
      const reason = reasonForThrown(error);
      // HERALD_MAILBOX_FULL and friends are answers (429, 503, …); anything else is a bug worth a line.
      if (isExpectedRefusal(error)) this.state.log?.debug?.('rest.push_refused', { ...this.about(notification), reason, error });
      else this.state.log?.error('rest.dispatcher_failed', { ...this.about(notification), error });
      response = this.route.respond({ ok: false, reason });
    }
    this.answer(response, false);
    // After the answer: a log line never delays one.
    if (failure) {
      this.state.log?.info?.('rest.push_failed', {
        ...this.about(notification),
        reason: failure.reason,
        provider_reason: failure.providerReason,
        provider_status: failure.status,
      });
    }
  }

  /** What a log line says about the notification; the logger shows `device_id` as a hint only. */
  private about(n: PushNotification): Record<string, unknown> {
    return { api: this.version, service: n.service, mode: n.mode, device_id: this.deviceId };
  }

  /**
   * The validator's messages name fields (as sent, cut to 40 characters) and JSON types, never
   * values, so they may be logged; the pointers (uncut keys) are not.
   */
  private logInvalid(errors: readonly InvalidValue[]): void {
    this.state.log?.info?.('rest.invalid_notification', {
      api: this.version,
      device_id: this.deviceId,
      problems: errors.map((e) => e.message),
    });
  }

  private answer(response: RestResponse, dropRest: boolean): void {
    if (this.phase === DONE) return;
    writeAnswer(this.state, this.req, this.res, response, dropRest);
    this.finish();
  }

  private finish(): void {
    this.phase = DONE;
    clearTimeout(this.timer);
    const state = this.state;
    // Deferred: the answer just written is still being flushed by this tick's writes.
    if (--state.inFlight === 0 && state.onIdle) setImmediate(state.onIdle);
  }
}

function onBodyData(this: Tagged, chunk: Buffer): void {
  this[EXCHANGE]?.onData(chunk);
}
function onBodyEnd(this: Tagged): void {
  this[EXCHANGE]?.onEnd();
}
function onRequestGone(this: Tagged): void {
  this[EXCHANGE]?.onGone();
}
function onBodyTimeout(exchange: Exchange): void {
  exchange.onTimeout();
}
