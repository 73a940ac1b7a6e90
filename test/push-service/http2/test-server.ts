/**
 * A bare node:http2 TLS server on 127.0.0.1 port 0 for the transport tests, and the pieces an
 * Http2Connection needs to talk to it without any provider.
 */
import http2, { type Http2SecureServer, type SecureServerOptions } from 'node:http2';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { generateLocalhostPair, type TlsPair } from '../../../src/core/tls.js';
import type { AnswerReader } from '../../../src/push-service/http2/answer-reader.js';
import type { ExchangeListener } from '../../../src/push-service/http2/exchange.js';
import type { PushOutcome } from '../../../src/push-service/notification.js';

export interface TestServer {
  server: Http2SecureServer;
  url: string;
  /** The server certificate, to trust as CA. */
  ca: string;
  close(): Promise<void>;
}

export async function startTestServer(options: SecureServerOptions = {}): Promise<TestServer> {
  const pair = await generateLocalhostPair();
  const server = http2.createSecureServer({ key: pair.key, cert: pair.cert, ...options });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: pair.cert,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A client certificate (PEM pair) with this common name, as Apple issues one per app. */
export async function clientCertificate(commonName: string): Promise<TlsPair> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 24 * 3600 * 1000),
    extensions: [{ name: 'extKeyUsage', clientAuth: true }],
  });
  return { cert: pems.cert, key: pems.private };
}

/** 200 → delivered with the request id; anything else → unspecified with its status. */
export const PLAIN_ANSWERS: AnswerReader = {
  maxBodyChars: 1_024,
  onHeaders: (status, _headers, requestId) => (status === 200 ? { ok: true, id: requestId } : undefined),
  onBody: (status) => ({ ok: false, reason: 'unspecified', status }),
};

/** A listener whose promise settles with the outcome, or rejects with the transport failure. */
export function outcomeListener(): ExchangeListener & { result: Promise<PushOutcome> } {
  let resolve!: (o: PushOutcome) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<PushOutcome>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { result, onOutcome: (o) => resolve(o), onTransportFailure: (e) => reject(e) };
}

/** An empty SETTINGS frame (RFC 9113 §6.5): length 0, type 0x4, no flags, stream 0. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

export interface MutePeer {
  url: string;
  /** Its certificate, to trust as the CA. */
  ca: string;
  /** TLS connections accepted so far. */
  readonly accepted: number;
  close(): void;
}

/** A peer that speaks just enough HTTP/2 to be connected to, then never answers anything (not even PING). */
export async function startMutePeer(): Promise<MutePeer> {
  const pair = await generateLocalhostPair();
  let accepted = 0;
  const server = tls.createServer({ key: pair.key, cert: pair.cert, ALPNProtocols: ['h2'] }, (socket) => {
    accepted++;
    socket.write(EMPTY_SETTINGS);
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: pair.cert,
    get accepted() {
      return accepted;
    },
    close: () => server.close(),
  };
}
