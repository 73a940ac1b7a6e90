/**
 * One notification request, from headers to answer:
 *
 *   path → route (per API version) → body (byte limit, deadline) → JSON → cast → dispatch → answer
 *
 *   (first the URL and header sizes, then the bearer token when `rest.auth_tokens` is set)
 *
 * A body being read is copied into one buffer of the request's own, charged to the connection's
 * and the server's pending-body budgets before it is allocated (body-budget.ts). It is never kept
 * as the chunks the socket delivered: an HTTP/2 DATA chunk is a view into the whole socket read
 * it came in (up to 64 KiB), so keeping a 1-byte chunk would keep that read alive.
 *
 * With an `Idempotency-Key` (idempotency/), the dispatch is wrapped: the key is claimed in the
 * store first (a retry of an answered request is answered from the record, never pushed again),
 * and the answer is recorded, or the claim released when nothing was sent, before it is written.
 * Without the header none of this runs: one header read, nothing allocated.
 *
 * Hot path: the request's listeners are module functions that find their Exchange through a
 * symbol (no closures per request); the body deadlines of all exchanges share one timer
 * (deadline-list.ts); fixed answers are prebuilt; nothing is logged for normal traffic. Nothing a
 * client sends, or fails to send, throws out of here.
 */
import type { Readable } from 'node:stream';
import { ERRORS, errorSpecOf } from '../core/errors.js';
import type { DeadlineEntry, DeadlineList } from '../push-service/deadline-list.js';
import type { PushDispatcher, PushFailureReason, PushNotification, PushOutcome } from '../push-service/notification.js';
import { UNAUTHORIZED, type BearerCheck } from './bearer-auth.js';
import type { BodyBudget } from './body-budget.js';
import { CONNECTION, type Connection, type WithConnection } from './connection-gate.js';
import { headerLimitExceeded, type HeaderLimits } from './header-limits.js';
import { NOT_JSON_BODY, type InvalidValue } from './invalid-value.js';
import { requestFingerprint } from './idempotency/fingerprint.js';
import { CLAIM_FAILED_CODE, IDEMPOTENCY_ANSWERS, RELEASING_REASONS, replayed } from './idempotency/idempotency-answers.js';
import { INVALID_KEY, readIdempotencyKey } from './idempotency/idempotency-key.js';
import type { ClaimResult, IdempotencyStore } from './idempotency/idempotency-store.js';
import { matchNotificationPath } from './notification-path.js';
import type { Refusals } from './refusals.js';
import {
  BAD_REQUEST,
  BODY_TIMEOUT,
  HEADER_FIELDS_TOO_LARGE,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  URI_TOO_LONG,
  jsonResponse,
  type RestResponse,
} from './rest-response.js';
import type { OpsSource } from '../push-service/ops/ops-source.js';
import type { RestGauges } from '../push-service/ops/rest-counters.js';
import { matchOpsPath, opsResponse } from './ops-routes.js';
import { NOTIFICATION_ROUTES, type NotificationRoute } from './routes.js';
import { ANYTHING_ELSE_REASON } from './v3-responses.js';
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
  /** rest.body_timeout_ms, from the headers to the end of the body, for every exchange. */
  readonly bodyDeadlines: DeadlineList<Exchange>;
  /** rest.max_url_bytes, rest.max_header_bytes */
  readonly headerLimits: HeaderLimits;
  /** rest.max_streams_per_connection: notification requests in progress per connection. */
  readonly maxExchangesPerConnection: number;
  /** rest.max_pending_body_bytes(_per_connection) */
  readonly bodyBudget: BodyBudget;
  /** Counts and logs (aggregated) what is refused. */
  readonly refusals: Refusals;
  /** Serves GET /healthcheck and GET /metrics when set. */
  readonly ops: OpsSource | undefined;
  /** Connections open, bytes held for bodies still arriving: read when /metrics is scraped. */
  readonly gauges: () => RestGauges;
  readonly statusCounts: Map<number, number>;
  /** Exchanges accepted and not yet answered or abandoned. */
  inFlight: number;
  closing: boolean;
  /** Called (deferred) each time inFlight drops to 0, once set. */
  onIdle: (() => void) | undefined;
  /** Where Idempotency-Key claims are kept; undefined = the header is not honoured. */
  readonly idempotency: IdempotencyKeys | undefined;
}

/** The store of Idempotency-Key claims, and how this server claims. */
export interface IdempotencyKeys {
  readonly store: IdempotencyStore;
  /** This server's id in its claims (random per start). */
  readonly owner: string;
  /** rest.idempotency.lease_ms */
  readonly leaseMs: number;
}

const UNPROCESSABLE_NOT_JSON = jsonResponse(422, NOT_JSON_BODY);
/** RFC 9110 §15.6.1: /healthcheck or /metrics could not be built (a bug of Herald's, logged). */
const OPS_FAILED = jsonResponse(500, { reason: 'internal_server_error' });

export function handleRequest(state: EndpointState, req: HttpRequest, res: HttpResponse): void {
  // Sizes first: the cheapest check, and one that needs no secret.
  const tooLarge = headerLimitExceeded(req, state.headerLimits);
  if (tooLarge !== undefined) {
    state.refusals.requestShed(tooLarge, req.socket?.remoteAddress);
    return answerWithoutBody(state, req, res, tooLarge === 'url_bytes' ? URI_TOO_LONG : HEADER_FIELDS_TOO_LARGE);
  }
  // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
  // request message that lacks a Host header field".
  if (req.httpVersion === '1.1' && req.headers.host === undefined && !('stream' in req)) {
    return answerWithoutBody(state, req, res, BAD_REQUEST);
  }
  // Before anything else, the path included: an unauthenticated client learns nothing and
  // costs no body read (nor a log line of its own: refusals.ts folds them).
  if (state.authorize && !state.authorize(req.headers.authorization)) {
    state.refusals.unauthorized(req.socket?.remoteAddress, req.headers.authorization === undefined ? 'absent' : 'rejected');
    return answerWithoutBody(state, req, res, UNAUTHORIZED);
  }
  const opsPath = matchOpsPath(req.url ?? '');
  if (opsPath !== undefined) return answerOps(state, req, res, opsResponse(state.ops, opsPath, req.method, state));
  const match = matchNotificationPath(req.url ?? '');
  const route = match && NOTIFICATION_ROUTES.get(match.version);
  if (!match || !route) return answerWithoutBody(state, req, res, NOT_FOUND);
  if (req.method !== 'POST') return answerWithoutBody(state, req, res, METHOD_NOT_ALLOWED);
  const key = state.idempotency && readIdempotencyKey(req.headers['idempotency-key']);
  if (key === INVALID_KEY) return answerWithoutBody(state, req, res, IDEMPOTENCY_ANSWERS.invalid);
  // A declared length over the limit is refused before a byte of the body is read.
  const declared = Number(req.headers['content-length']);
  if (declared > state.bodyLimit) return answerWithoutBody(state, req, res, route.bodyTooLarge);
  const connection = connectionOf(req);
  // HTTP/2 streams are bounded by SETTINGS_MAX_CONCURRENT_STREAMS already; this bounds pipelined
  // HTTP/1.1 requests read ahead of their answers.
  if (connection.exchanges >= state.maxExchangesPerConnection) {
    state.refusals.requestShed('streams_per_connection', connection.remote);
    return answerWithoutBody(state, req, res, route.overloaded);
  }
  new Exchange(state, connection, req, res, route, match.version, match.deviceId, declared, key).start();
}

/** An ops answer, now or once the source (a sharded Herald's shards) answered; one that failed is logged and answered 500. */
function answerOps(state: EndpointState, req: HttpRequest, res: HttpResponse, response: RestResponse | Promise<RestResponse>): void {
  if (!(response instanceof Promise)) return answerWithoutBody(state, req, res, response);
  response.then(
    (answer) => answerWithoutBody(state, req, res, answer),
    (error: unknown) => {
      state.log?.error('rest.ops_failed', { error, path: req.url });
      answerWithoutBody(state, req, res, OPS_FAILED);
    },
  );
}

function connectionOf(req: HttpRequest): Connection {
  const holder = ('stream' in req ? req.stream.session : req.socket) as unknown as WithConnection;
  // Every socket reaches the HTTP servers through the gate, which tags it (server.ts).
  return holder[CONNECTION]!;
}

const EXCHANGE = Symbol('herald.rest.exchange');
type Tagged = Readable & { [EXCHANGE]?: Exchange };

const READING = 0;
const DISPATCHING = 1;
const DONE = 2;

/** One notification request from headers to answer. */
class Exchange implements DeadlineEntry {
  deadlineAt = Number.NaN;
  previousDeadline: DeadlineEntry | undefined = undefined;
  nextDeadline: DeadlineEntry | undefined = undefined;
  /** The body so far, in a buffer of our own (bytes 0..received); its length is what is charged. */
  private body: Buffer | undefined;
  private received = 0;
  private phase: typeof READING | typeof DISPATCHING | typeof DONE = READING;

  constructor(
    private readonly state: EndpointState,
    private readonly connection: Connection,
    private readonly req: HttpRequest,
    private readonly res: HttpResponse,
    private readonly route: NotificationRoute,
    private readonly version: string,
    private readonly deviceId: string,
    /** content-length as sent (NaN when absent): the size to allocate once the body starts. */
    private readonly declared: number,
    /** The Idempotency-Key, when the request has one and the server honours it. */
    private readonly key: string | undefined,
  ) {}

  start(): void {
    this.state.inFlight++;
    this.connection.exchanges++;
    const body = this.req as Tagged;
    body[EXCHANGE] = this;
    body.on('data', onBodyData);
    body.on('end', onBodyEnd);
    body.on('error', onRequestGone);
    body.on('close', onRequestGone);
    this.state.bodyDeadlines.add(this);
  }

  onData(chunk: Buffer): void {
    if (this.phase !== READING) return;
    const needed = this.received + chunk.length;
    if (needed > this.state.bodyLimit) {
      this.release();
      this.answer(this.route.bodyTooLarge, true);
      return;
    }
    if (this.body === undefined || needed > this.body.length) {
      const shed = this.grow(needed);
      if (shed !== undefined) {
        this.release();
        this.state.refusals.requestShed(shed, this.connection.remote);
        this.answer(this.route.overloaded, true);
        return;
      }
    }
    chunk.copy(this.body!, this.received);
    this.received = needed;
  }

  /**
   * A buffer for at least `needed` bytes: the declared length when it holds them, else twice the
   * current size (at most bodyLimit), so a trickled body is copied O(log n) times. Charged first.
   */
  private grow(needed: number): ReturnType<BodyBudget['charge']> {
    const current = this.body?.length ?? 0;
    const wanted = this.declared >= needed ? this.declared : Math.min(this.state.bodyLimit, Math.max(needed, current * 2));
    const shed = this.state.bodyBudget.charge(this.connection, wanted - current);
    if (shed !== undefined) return shed;
    // Unpooled: a pooled slice would keep its whole 8 KiB pool slab alive with it.
    const grown = Buffer.allocUnsafeSlow(wanted);
    if (this.body !== undefined) this.body.copy(grown, 0, 0, this.received);
    this.body = grown;
    return undefined;
  }

  /** Frees the body and its charge. */
  private release(): void {
    if (this.body === undefined) return;
    this.state.bodyBudget.release(this.connection, this.body.length);
    this.body = undefined;
  }

  onEnd(): void {
    if (this.phase !== READING) return;
    this.phase = DISPATCHING;
    this.state.bodyDeadlines.remove(this);
    const text = this.body === undefined ? '' : this.body.toString('utf8', 0, this.received);
    const fingerprint = this.key === undefined ? undefined : requestFingerprint(this.version, this.deviceId, this.body, this.received);
    this.release();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.answer(UNPROCESSABLE_NOT_JSON, false);
      return this.logInvalid(NOT_JSON_BODY.errors);
    }
    const parsed = this.route.parse(json, this.deviceId);
    if (!parsed.ok) {
      this.answer(jsonResponse(422, { errors: parsed.errors }), false);
      return this.logInvalid(parsed.errors);
    }
    if (fingerprint === undefined) void this.dispatch(parsed.notification, undefined);
    else void this.dispatchOnce(parsed.notification, this.key!, fingerprint);
  }

  /** Request body gave up (client reset, socket error) before it was complete. */
  onGone(): void {
    if (this.phase !== READING) return;
    this.release();
    this.finish();
  }

  onTimeout(): void {
    if (this.phase !== READING) return;
    this.release();
    this.answer(BODY_TIMEOUT, true);
  }

  /** Pushes unless the key says the request was seen (draft-ietf-httpapi-idempotency-key-header §2.6). */
  private async dispatchOnce(notification: PushNotification, key: string, fingerprint: string): Promise<void> {
    const keys = this.state.idempotency!;
    let claim: ClaimResult;
    try {
      claim = await keys.store.claim(key, fingerprint, keys.owner, keys.leaseMs);
    } catch (error) {
      // Nothing was sent: the store's answer, which invites a retry.
      this.state.log?.error('rest.idempotency_store_failed', { ...this.about(notification), step: 'claim', error });
      return this.answer(this.route.respond({ ok: false, reason: ERRORS[CLAIM_FAILED_CODE].rest!.reason as PushFailureReason }), false);
    }
    switch (claim.kind) {
      case 'claimed':
        return this.dispatch(notification, key);
      case 'answered':
        return this.answer(replayed(claim.answer), false);
      case 'in_flight':
        return this.answer(IDEMPOTENCY_ANSWERS.inFlight, false);
      case 'reused':
        return this.answer(IDEMPOTENCY_ANSWERS.reused, false);
      case 'abandoned':
        // Its instance died between claim and record: the push may have been sent, and is not sent again.
        this.state.log?.warn('rest.outcome_unknown', this.about(notification));
        return this.answer(IDEMPOTENCY_ANSWERS.outcomeUnknown, false);
    }
  }

  /** Pushes and answers; with a claimed `key`, records the answer (or releases the claim) first. */
  private async dispatch(notification: PushNotification, key: string | undefined): Promise<void> {
    let response: RestResponse;
    let failure: Extract<PushOutcome, { ok: false }> | undefined;
    let reason: PushFailureReason | undefined;
    try {
      const outcome = await this.state.dispatcher.send(notification);
      response = this.route.respond(outcome);
      if (!outcome.ok) failure = outcome;
      reason = failure?.reason;
    } catch (error) {
      // A code with a REST answer in core/errors.ts (HERALD_MAILBOX_FULL: 429, …) is an answer;
      // anything else is a bug worth a line, answered with the contract's "anything else" row.
      const answered = errorSpecOf(error)?.rest;
      reason = (answered?.reason as PushFailureReason | undefined) ?? ANYTHING_ELSE_REASON;
      if (answered) this.state.log?.debug('rest.push_refused', { ...this.about(notification), reason, error });
      else this.state.log?.error('rest.dispatcher_failed', { ...this.about(notification), error });
      response = this.route.respond({ ok: false, reason });
    }
    if (key !== undefined) await this.settleClaim(notification, key, reason, response);
    this.answer(response, false);
    // After the answer: a log line never delays one.
    if (failure) {
      this.state.log?.info('rest.push_failed', {
        ...this.about(notification),
        reason: failure.reason,
        provider_reason: failure.providerReason,
        provider_status: failure.status,
      });
    }
  }

  /**
   * Before the answer is written: a request that sent nothing and invites a retry gives its key
   * back; any other answer is recorded for the retries. A store failure is logged and the answer
   * written all the same: a retry then finds the claim unanswered (409, then outcome_unknown),
   * never pushes twice.
   */
  private async settleClaim(notification: PushNotification, key: string, reason: PushFailureReason | undefined, response: RestResponse): Promise<void> {
    const { store, owner } = this.state.idempotency!;
    const release = reason !== undefined && RELEASING_REASONS.has(reason);
    try {
      if (release) await store.release(key, owner);
      else await store.record(key, owner, response);
    } catch (error) {
      this.state.log?.error('rest.idempotency_store_failed', { ...this.about(notification), step: release ? 'release' : 'record', error });
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
    this.state.log?.info('rest.invalid_notification', {
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
    this.state.bodyDeadlines.remove(this);
    this.connection.exchanges--;
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
/** The DeadlineList's expiry callback for `EndpointState.bodyDeadlines`. */
export function onBodyTimeout(exchange: Exchange): void {
  exchange.onTimeout();
}
