/**
 * The MongoosePush-compatible REST endpoint: one TLS port serving HTTP/2 and HTTP/1.1, chosen by
 * ALPN (MongooseIM's HTTP pool may speak either). This file owns the listening socket, the TLS
 * material and a graceful close; requests are handled in notification-exchange.ts.
 */
import http2, { type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { guardAccept } from '../../core/accept-failures.js';
import type { HeraldConfig } from '../../core/config/schema.js';
import { HeraldError } from '../../core/errors.js';
import { redacting, silentLogger } from '../../core/log.js';
import { loadOrGenerateLocalhostPair, loadPair, type TlsPair } from '../../core/tls.js';
import type { PushDispatcher } from '../notification.js';
import type { OpsSource } from '../ops/ops-source.js';
import { bearerCheck } from './bearer-auth.js';
import { handleRequest, type EndpointState } from './notification-exchange.js';
import { matchNotificationPath } from './notification-path.js';
import type { RestLog } from './rest-log.js';
import { V3_FAILURES } from './v3-responses.js';
import { writeAnswer, type HttpRequest, type HttpResponse } from './write-answer.js';

export type RestConfig = HeraldConfig['rest'];

export type { RestLog };

export interface RestServerOptions {
  config: RestConfig;
  dispatcher: PushDispatcher;
  /** Serve this pair instead of cert_file/key_file or the generated one (tests). */
  tls?: TlsPair;
  log?: RestLog;
  /** Serves GET /healthcheck and GET /metrics from this source (off when absent: 404). */
  ops?: OpsSource;
}

export interface RestServer {
  /** `https://<bind>:<port>` */
  readonly url: string;
  /** The bound port (the real one when `config.port` is 0). */
  readonly port: number;
  /** Notification requests accepted and not yet answered or abandoned (metrics, tests). */
  readonly inFlight: number;
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
export const ACCEPT_PAUSE_MS = 1_000;
/** Accept failures are one log line per this interval, with the count. */
export const ACCEPT_FAILURE_LOG_INTERVAL_MS = 60_000;

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
  const tls = await resolveRestTls(config, options.tls);
  const state: EndpointState = {
    dispatcher: options.dispatcher,
    authorize: bearerCheck(config.auth_tokens),
    bodyLimit: config.body_limit_bytes,
    bodyTimeoutMs: config.body_timeout_ms,
    ops: options.ops,
    statusCounts: new Map(),
    log: options.log && redacting(options.log),
    inFlight: 0,
    closing: false,
    onIdle: undefined,
  };

  const server = http2.createSecureServer({
    cert: tls.cert,
    key: tls.key,
    allowHTTP1: true,
    settings: { maxConcurrentStreams: config.max_streams_per_connection },
  });
  server.on('request', (req: HttpRequest, res: HttpResponse) => {
    try {
      handleRequest(state, req, res);
    } catch (error) {
      // A bug here must cost one request, not the process (a throw would escape into node:http2).
      // The device id rides along so that the logger scrubs it from the error's message.
      state.log?.error('rest.request_failed', { error, device_id: matchNotificationPath(req.url ?? '')?.deviceId });
      writeAnswer(state, req, res, V3_FAILURES.request_timeout, true);
    }
  });

  // Connection-level failures (TLS handshake garbage, broken HTTP/2 framing, resets) are the
  // client's problem; they must neither crash us nor flood the log.
  const sockets = new Set<TLSSocket>();
  const sessions = new Set<Http2Session>();
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('sessionError', (error: Error) => state.log?.debug?.('rest.http2_session_error', { error }));
  server.on('tlsClientError', (error: Error) => state.log?.debug?.('rest.tls_handshake_failed', { error }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const acceptGuard = guardAccept(server, {
    log: { ...silentLogger, error: (event, fields) => state.log?.error(event, fields) },
    event: 'rest.accept_failed',
    pauseMs: ACCEPT_PAUSE_MS,
    logIntervalMs: ACCEPT_FAILURE_LOG_INTERVAL_MS,
    onOtherError: (error) => state.log?.error('rest.server_error', { error }),
  });

  const port = (server.address() as AddressInfo).port;
  const host = config.bind.includes(':') ? `[${config.bind}]` : config.bind;
  let closed: Promise<void> | undefined;

  return {
    url: `https://${host}:${port}`,
    port,
    get inFlight() {
      return state.inFlight;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        state.closing = true;
        acceptGuard.stop();
        // Last resort: whatever is still open when the grace period ends is cut.
        const deadline = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, CLOSE_GRACE_MS);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        // HTTP/2: GOAWAY; each session closes itself once its open streams are answered.
        for (const session of sessions) session.close();
        // HTTP/1.1: answers written while closing carry `Connection: close`; once nothing is in
        // flight, the remaining (idle keep-alive) connections are ended after their last write.
        whenIdle(state, () => {
          for (const socket of sockets) if (socket.alpnProtocol !== 'h2') socket.end();
        });
      });
      return closed;
    },
  };
}

function whenIdle(state: EndpointState, then: () => void): void {
  if (state.inFlight === 0) then();
  else state.onIdle = then;
}

