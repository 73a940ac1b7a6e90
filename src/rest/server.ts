/**
 * The MongoosePush-compatible REST endpoint: one TLS port serving HTTP/2 and HTTP/1.x, chosen by
 * ALPN (MongooseIM's HTTP pool may speak either). This file owns the listening socket and the
 * path of a connection up to its HTTP server:
 *
 *   accept ─ gate (max_connections, max_connections_per_client; refused before TLS)
 *          ─ TLS (tls_handshake_timeout_ms; ALPN: h2 > http/1.1 > http/1.0, alpn.ts)
 *          ─ HTTP/2 (http2-server.ts) or HTTP/1.x (http1-server.ts) ─ handleRequest
 *
 * and a graceful close. The HTTP servers never listen: sockets are handed to them with their
 * 'connection' event (node:http documents this for injecting connections).
 */
import { randomUUID } from 'node:crypto';
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { guardAccept } from '../core/accept-failures.js';
import type { RestConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import { redacting, silentLogger, type Logger } from '../core/log.js';
import { loadOrGenerateLocalhostPair, loadPair, type TlsPair } from '../core/tls.js';
import type { PushDispatcher } from '../push-service/notification.js';
import type { OpsSource } from '../push-service/ops/ops-source.js';
import type { RestGauges } from '../push-service/ops/rest-counters.js';
import { chooseProtocol } from './alpn.js';
import { bearerCheck } from './bearer-auth.js';
import { BodyBudget } from './body-budget.js';
import { CONNECTION, ConnectionGate, type Connection, type WithConnection } from './connection-gate.js';
import { connectionCap, softOpenFileLimit } from './fd-limit.js';
import { createHttp1Server } from './http1-server.js';
import { createHttp2Server } from './http2-server.js';
import { DeadlineList } from '../push-service/deadline-list.js';
import type { IdempotencyStore } from './idempotency/idempotency-store.js';
import { handleRequest, onBodyTimeout, type EndpointState } from './notification-exchange.js';
import { matchNotificationPath } from './notification-path.js';
import { Refusals } from './refusals.js';
import { V3_FAILURES } from './v3-responses.js';
import { writeAnswer, type HttpRequest, type HttpResponse } from './write-answer.js';

export type { RestConfig } from '../core/config/schema.js';

export interface RestServerOptions {
  config: RestConfig;
  dispatcher: PushDispatcher;
  /** Serve this pair instead of cert_file/key_file or the generated one (tests). */
  tls?: TlsPair;
  /**
   * Nothing is logged for a request answered 200. Folded, one line per
   * `rest.refusal_log_interval_ms`, event and reason with a `count` (refusals.ts): warn
   * `rest.unauthorized`, `rest.connection_refused`, `rest.request_shed`, `rest.accept_failed`
   * (error); info `rest.connection_dropped`. One line per request: info
   * `rest.invalid_notification` (the validator's messages, never the body), info
   * `rest.push_failed` (the provider's failure), debug `rest.push_refused` (Herald's own refusal:
   * backpressure, shutting down), error `rest.dispatcher_failed` / `rest.request_failed` (a bug of
   * ours). At close, warn `rest.close_cut`. Idempotency-Key: warn `rest.outcome_unknown` (a retry
   * found its key's instance dead before it answered), error `rest.idempotency_store_failed`
   * (claim, record or release), debug `rest.idempotency_swept`, warn
   * `rest.idempotency_sweep_failed`; the key itself is never logged. Lines about a notification
   * carry its `device_id`, which the logger shows as a hint only (core/redaction.ts).
   */
  log?: Logger;
  /** Serves GET /healthcheck and GET /metrics from this source (off when absent: 404). */
  ops?: OpsSource;
  /**
   * Keeps Idempotency-Key claims and answers (rest/idempotency/; `rest.idempotency`), each claim
   * live for `leaseMs` (schema.ts idempotencyLeaseMs); swept every IDEMPOTENCY_SWEEP_INTERVAL_MS
   * while the server runs. Absent: the header is not honoured.
   */
  idempotency?: { store: IdempotencyStore; leaseMs: number };
}

export interface RestServer {
  /** `https://<bind>:<port>` */
  readonly url: string;
  /** The bound port (the real one when `config.port` is 0). */
  readonly port: number;
  /** Notification requests accepted and not yet answered or abandoned (metrics, tests). */
  readonly inFlight: number;
  /** Connections open, bytes held for bodies still arriving (metrics, tests). */
  readonly gauges: RestGauges;
  /** `rest.max_connections` as enforced: lowered to fit the open-file limit (fd-limit.ts). */
  readonly maxConnections: number;
  /** Stops accepting, lets answers in flight finish (≤ CLOSE_GRACE_MS), then drops what is left. */
  close(): Promise<void>;
}

/**
 * On close, answers still in flight get this long. MongooseIM's HTTP pool gives up on a request
 * after 2 s, so an answer later than that is read by no one.
 */
export const CLOSE_GRACE_MS = 2_000;
/**
 * Out of file descriptors on accept (core/accept-failures.ts): the listener pauses this long,
 * then listens again. Descriptors come back as clients leave; a second is soon enough to serve
 * again and ends libuv's accept-error loop at once.
 */
const ACCEPT_PAUSE_MS = 1_000;
/**
 * Between two sweeps of expired Idempotency-Keys (older than rest.idempotency.retention_ms): a
 * key lives at most this much longer than its retention, and a sweep of a day's keys is one
 * indexed DELETE a minute.
 */
const IDEMPOTENCY_SWEEP_INTERVAL_MS = 60_000;
/** Accept failures are one log line per this interval, with the count. */
const ACCEPT_FAILURE_LOG_INTERVAL_MS = 60_000;

/** Resolves the TLS pair: explicit override, then configured PEM files, then the generated pair. */
export async function resolveRestTls(config: RestConfig, override?: TlsPair): Promise<TlsPair> {
  if (override) return override;
  if (config.cert_file && config.key_file) return loadPair(config.cert_file, config.key_file);
  if (config.cert_file || config.key_file) {
    throw new HeraldError('HERALD_CONFIG_INVALID', 'rest.cert_file and rest.key_file must be set together');
  }
  return loadOrGenerateLocalhostPair(config.generated_cert_dir);
}

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const { config } = options;
  const pair = await resolveRestTls(config, options.tls);
  const log = options.log && redacting(options.log);
  const refusals = new Refusals(log, config.refusal_log_interval_ms);
  const gate = new ConnectionGate(config.max_connections_per_client);
  const state: EndpointState = {
    dispatcher: options.dispatcher,
    authorize: bearerCheck(config.auth_tokens),
    bodyLimit: config.body_limit_bytes,
    bodyDeadlines: new DeadlineList(config.body_timeout_ms, onBodyTimeout),
    headerLimits: { maxUrlBytes: config.max_url_bytes, maxHeaderBytes: config.max_header_bytes },
    maxExchangesPerConnection: config.max_streams_per_connection,
    bodyBudget: new BodyBudget(config.max_pending_body_bytes_per_connection, config.max_pending_body_bytes),
    refusals,
    ops: options.ops,
    gauges: () => ({ connections: gate.open, pendingBodyBytes: state.bodyBudget.held }),
    statusCounts: new Map(),
    log,
    inFlight: 0,
    closing: false,
    onIdle: undefined,
    idempotency: options.idempotency && { ...options.idempotency, owner: randomUUID() },
  };
  const sweeper = options.idempotency && sweepEvery(options.idempotency.store, config.idempotency.retention_ms, log);

  const onRequest = (req: HttpRequest, res: HttpResponse): void => {
    try {
      handleRequest(state, req, res);
    } catch (error) {
      // A bug here must cost one request, not the process (a throw would escape into node:http2).
      // The device id rides along so that the logger scrubs it from the error's message.
      state.log?.error('rest.request_failed', { error, device_id: matchNotificationPath(req.url ?? '')?.deviceId });
      writeAnswer(state, req, res, V3_FAILURES.request_timeout, true);
    }
  };
  const http1 = createHttp1Server(config, onRequest, refusals, state.statusCounts);
  const http2 = createHttp2Server(config, onRequest, refusals, log);

  // TLS: the handshake has rest.tls_handshake_timeout_ms; failures (garbage instead of a
  // ClientHello, no common protocol, resets) are the client's problem, counted, never logged one
  // line each.
  const tlsServer = tls.createServer({
    cert: pair.cert,
    key: pair.key,
    ALPNCallback: chooseProtocol,
    handshakeTimeout: config.tls_handshake_timeout_ms,
  });
  const handshaking = new Map<string, Connection>();
  const secured = new Set<TLSSocket>();
  tlsServer.on('secureConnection', (socket: TLSSocket) => {
    const key = socketKey(socket);
    const connection = handshaking.get(key);
    handshaking.delete(key);
    if (connection === undefined || socket.destroyed) return void socket.destroy();
    (socket as WithConnection)[CONNECTION] = connection;
    secured.add(socket);
    socket.once('close', () => secured.delete(socket));
    if (socket.alpnProtocol === 'h2') http2.server.emit('connection', socket);
    else http1.server.emit('connection', socket); // http/1.1, http/1.0, or no ALPN
  });
  tlsServer.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
    refusals.connectionDropped(error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'tls_handshake_timeout' : 'tls_handshake_failed', socket.remoteAddress);
    socket.destroy();
  });

  // Accept: admission before TLS. The total is net.Server.maxConnections (the accepted handle is
  // closed before a socket object exists, 'drop' tells us); the per-client count is the gate's.
  const fdLimit = softOpenFileLimit();
  const { cap, clampedFrom } = connectionCap(config.max_connections, fdLimit, config.reserved_file_descriptors);
  if (clampedFrom !== undefined) {
    log?.warn('rest.max_connections_clamped', {
      configured: clampedFrom,
      enforced: cap,
      open_file_limit: fdLimit,
      reserved_file_descriptors: config.reserved_file_descriptors,
      hint: 'raise the open-file limit (ulimit -n, systemd LimitNOFILE=) or lower rest.max_connections',
    });
  }
  const accepted = new Set<Socket>();
  const listener = net.createServer({ noDelay: true }, (raw: Socket) => {
    const admitted = gate.admit(raw.remoteAddress);
    if (typeof admitted === 'string') {
      refusals.connectionRefused(admitted, raw.remoteAddress);
      return void raw.destroy();
    }
    const key = socketKey(raw);
    handshaking.set(key, admitted);
    accepted.add(raw);
    raw.once('close', () => {
      accepted.delete(raw);
      if (handshaking.get(key) === admitted) handshaking.delete(key);
      gate.release(admitted);
    });
    tlsServer.emit('connection', raw);
  });
  listener.maxConnections = cap;
  listener.on('drop', (data?: { remoteAddress?: string }) => refusals.connectionRefused('max_connections', data?.remoteAddress));

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(config.port, config.bind, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const acceptGuard = guardAccept(listener, {
    log: log ?? silentLogger,
    event: 'rest.accept_failed',
    pauseMs: ACCEPT_PAUSE_MS,
    logIntervalMs: ACCEPT_FAILURE_LOG_INTERVAL_MS,
    onOtherError: (error) => state.log?.error('rest.server_error', { error }),
  });

  const port = (listener.address() as net.AddressInfo).port;
  const host = config.bind.includes(':') ? `[${config.bind}]` : config.bind;
  let closed: Promise<void> | undefined;

  return {
    url: `https://${host}:${port}`,
    port,
    maxConnections: cap,
    get inFlight() {
      return state.inFlight;
    },
    get gauges() {
      return state.gauges();
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        state.closing = true;
        acceptGuard.stop();
        if (sweeper) clearInterval(sweeper);
        // Last resort: whatever is still open when the grace period ends is cut.
        const deadline = setTimeout(() => {
          state.log?.warn('rest.close_cut', { connections: accepted.size });
          for (const socket of secured) socket.destroy();
          for (const socket of accepted) socket.destroy();
        }, CLOSE_GRACE_MS);
        listener.close(() => {
          clearTimeout(deadline);
          refusals.flush();
          resolve();
        });
        // HTTP/2: GOAWAY; each session closes itself once its open streams are answered.
        http2.close();
        // HTTP/1.1: idle keep-alive connections are closed now; answers written while closing
        // carry `Connection: close`; once nothing is in flight, the rest are ended after their
        // last write. Connections still in their TLS handshake are cut.
        http1.close();
        for (const socket of accepted) if (handshaking.has(socketKey(socket))) socket.destroy();
        whenIdle(state, () => {
          for (const socket of secured) if (socket.alpnProtocol !== 'h2') socket.end();
        });
      });
      return closed;
    },
  };
}

/** Removes expired Idempotency-Keys now and then; a failed sweep is logged and tried again next time. */
function sweepEvery(store: IdempotencyStore, retentionMs: number, log: Logger | undefined): NodeJS.Timeout {
  const sweep = (): void => {
    store.sweep(retentionMs).then(
      (removed) => (removed > 0 ? log?.debug('rest.idempotency_swept', { removed }) : undefined),
      (error: unknown) => log?.warn('rest.idempotency_sweep_failed', { error }),
    );
  };
  const timer = setInterval(sweep, IDEMPOTENCY_SWEEP_INTERVAL_MS);
  timer.unref();
  return timer;
}

/** Identifies a live TCP connection on this listener (its 4-tuple); raw and TLS socket agree. */
function socketKey(socket: Socket): string {
  return `${socket.localAddress} ${socket.localPort} ${socket.remoteAddress} ${socket.remotePort}`;
}

function whenIdle(state: EndpointState, then: () => void): void {
  if (state.inFlight === 0) then();
  else state.onIdle = then;
}
