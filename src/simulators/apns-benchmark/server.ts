/**
 * The APNS benchmark server: TLS with ALPN h2 and HTTP/2 spoken at the frame level
 * (connection.ts) instead of through node:http2, answering every request 200 with an apns-id.
 * It decodes no HPACK, validates nothing and keeps no per-stream state, so that its cost per
 * push is a few µs and a benchmark on a small machine measures the clients, not the server
 * (as Pushy's BenchmarkApnsServer does beside its validating MockApnsServer). For tests of
 * Apple's behaviour use the APNS simulator (../apns/).
 */
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generateLocalhostPair, type TlsPair } from '../../core/tls.js';
import { BenchmarkConnection } from './connection.js';
import { ResponseFrames } from './response-frame.js';

/** What `api.push.apple.com` announces, and the APNS simulator's default. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 1_000;

export interface ApnsBenchmarkServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS announced (not enforced). Default 1000. */
  maxConcurrentStreams?: number;
  /** Answer each request this many ms after it ended. Default 0: at once. */
  latencyMs?: number;
  /** Server certificate and key; default a fresh self-signed pair for localhost. */
  tls?: TlsPair;
}

export interface ApnsBenchmarkServerStats {
  /** Requests answered 200. */
  answered: number;
  /** TLS connections accepted. */
  sessions: number;
  /** Connections open now. */
  open: number;
}

export interface ApnsBenchmarkServer {
  /** https://HOST:PORT */
  url: string;
  port: number;
  /** The server certificate (PEM) clients must trust. */
  ca: string;
  readonly stats: ApnsBenchmarkServerStats;
  /** Stops listening and closes every connection at once. */
  close(): Promise<void>;
}

export async function startApnsBenchmarkServer(options: ApnsBenchmarkServerOptions = {}): Promise<ApnsBenchmarkServer> {
  const host = options.host ?? '127.0.0.1';
  const maxConcurrentStreams = options.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS;
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isInteger(maxConcurrentStreams) || maxConcurrentStreams < 1) {
    throw new RangeError(`maxConcurrentStreams must be a positive integer, got ${maxConcurrentStreams}`);
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new RangeError(`latencyMs must be ≥ 0, got ${latencyMs}`);
  const tls = options.tls ?? (await generateLocalhostPair());
  const sockets = new Set<TLSSocket>();
  let answered = 0;
  let sessions = 0;
  const settings = {
    maxConcurrentStreams,
    latencyMs,
    responses: new ResponseFrames(),
    onAnswered: () => {
      answered++;
    },
  };
  // noDelay: answers leave as soon as they are written, as node:http2 servers send them.
  const server: Server = createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ['h2'], noDelay: true });
  server.on('secureConnection', (socket: TLSSocket) => {
    // ALPN (RFC 7301) with only h2 offered: a client that negotiated nothing does not speak it.
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      return;
    }
    sessions++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new BenchmarkConnection(socket, settings);
  });
  // A failed handshake (a client that does not trust us, a port scan) concerns only that client.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `https://${urlHost}:${port}`,
    port,
    ca: tls.cert,
    get stats() {
      return { answered, sessions, open: sockets.size };
    },
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      return closed;
    },
  };
}
