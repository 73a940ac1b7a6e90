/**
 * Hostile clients for the REST port and what became of what they sent: raw HTTP/1.x bytes over
 * TLS, node:http2 requests with its own safety limits raised, and TLS handshakes with chosen ALPN
 * or no TLS at all.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { Target } from './harness.js';

/** What became of one hostile input. */
export type Outcome =
  | { kind: 'answer'; status: number; body: string; headers: Record<string, string> }
  | { kind: 'reset'; code: number } //    HTTP/2 RST_STREAM on the request's stream
  | { kind: 'goaway'; code: number } //   HTTP/2 GOAWAY: the connection is ending
  | { kind: 'closed' } //                 closed without an HTTP answer
  | { kind: 'alive' } //                  nothing went wrong and nothing was answered (raw frames)
  | { kind: 'tls-alert'; code: string };

/** One part of what a raw client sends: bytes, or a pause (pacing a slow client, not a wait). */
export type Part = string | Buffer | { pauseMs: number };

export interface TlsOptions {
  alpn?: string[];
  localAddress?: string;
}

export function tlsConnect(t: Target, options: TlsOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tcp = net.connect({ host: '127.0.0.1', port: t.port, localAddress: options.localAddress ?? '127.0.0.1' });
    tcp.once('error', reject);
    const socket = tls.connect(
      { socket: tcp, ca: t.ca, servername: 'localhost', ...(options.alpn ? { ALPNProtocols: options.alpn } : {}) },
      () => {
        socket.off('error', reject);
        resolve(socket);
      },
    );
    socket.once('error', reject);
  });
}

async function sendParts(socket: net.Socket, parts: readonly Part[]): Promise<void> {
  for (const part of parts) {
    if (socket.destroyed) return;
    if (typeof part === 'object' && 'pauseMs' in part) await new Promise((r) => setTimeout(r, part.pauseMs));
    else socket.write(part);
  }
}

/**
 * Sends raw HTTP/1.x over TLS (ALPN http/1.1 unless told) and reads until the server closes the
 * connection or one whole answer arrived: the first answer, or `closed` when nothing came.
 */
export async function h1Raw(t: Target, parts: readonly Part[], options: TlsOptions = {}): Promise<Outcome> {
  const socket = await tlsConnect(t, { alpn: ['http/1.1'], ...options });
  return readAnswer(socket, () => sendParts(socket, parts));
}

function readAnswer(socket: net.Socket, write: () => Promise<void>): Promise<Outcome> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const done = (outcome: Outcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received);
      if (answer) done(answer);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done(parseAnswer(received) ?? { kind: 'closed' }));
    void write();
  });
}

/** The first complete final HTTP/1.x answer in `bytes` (content-length framed; 1xx skipped). */
export function parseAnswer(bytes: Buffer): Extract<Outcome, { kind: 'answer' }> | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) return undefined;
  if (status[1]!.startsWith('1')) return parseAnswer(bytes.subarray(end + 4)); // RFC 9110 §15.2: interim
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (bytes.length < end + 4 + length) return undefined;
  return { kind: 'answer', status: Number(status[1]), body: bytes.subarray(end + 4, end + 4 + length).toString('utf8'), headers };
}

/** Every complete answer in `bytes`, in order (pipelining). */
export function parseAnswers(bytes: Buffer): Array<Extract<Outcome, { kind: 'answer' }>> {
  const answers: Array<Extract<Outcome, { kind: 'answer' }>> = [];
  let rest = bytes;
  for (;;) {
    const answer = parseAnswer(rest);
    if (!answer) return answers;
    answers.push(answer);
    const consumed = rest.indexOf('\r\n\r\n') + 4 + Buffer.byteLength(answer.body);
    rest = rest.subarray(consumed);
  }
}

export interface H2Spec {
  headers: http2.OutgoingHttpHeaders;
  /** The body, or parts of it (with pauses); `end: false` leaves the stream open (no END_STREAM). */
  body?: readonly Part[];
  end?: boolean;
}

/**
 * One request with node:http2, its own limits raised so that it sends what it is told to
 * (node refuses to send a header block over 64 KiB by default: that was the REFUSED_STREAM
 * issue 8 saw for a 100 KB URL).
 */
export function h2Outcome(t: Target, spec: H2Spec): Promise<Outcome> {
  return new Promise((resolve) => {
    const session = http2.connect(t.url, { ca: t.ca, maxSendHeaderBlockLength: 4 * 1024 * 1024, peerMaxConcurrentStreams: 1000 });
    let settled = false;
    const done = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      session.destroy();
      resolve(outcome);
    };
    let goawayCode: number | undefined;
    session.on('goaway', (code) => (goawayCode = code));
    session.on('error', () => undefined);
    session.on('close', () => done(goawayCode === undefined ? { kind: 'closed' } : { kind: 'goaway', code: goawayCode }));
    const stream = session.request({ ':method': 'POST', 'content-type': 'application/json', ...spec.headers }, { endStream: false });
    let status = 0;
    let headers: Record<string, string> = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
    });
    stream.on('data', (c: string) => (body += c));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (status !== 0) done({ kind: 'answer', status, body, headers });
      else if (goawayCode !== undefined) done({ kind: 'goaway', code: goawayCode });
      else done({ kind: 'reset', code: stream.rstCode ?? -1 });
    });
    void (async () => {
      for (const part of spec.body ?? []) {
        if (stream.destroyed || stream.closed) return;
        if (typeof part === 'object' && 'pauseMs' in part) await new Promise((r) => setTimeout(r, part.pauseMs));
        else stream.write(part);
      }
      if (spec.end !== false && !stream.destroyed) stream.end();
    })();
  });
}

/** A TLS client offering `alpn` (or nothing): the answer to one HTTP/1.x request, or the alert. */
export async function tlsThenH1(t: Target, alpn: string[] | undefined, request: string): Promise<Outcome> {
  let socket: TLSSocket;
  try {
    socket = await tlsConnect(t, alpn === undefined ? {} : { alpn });
  } catch (error) {
    return { kind: 'tls-alert', code: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  return readAnswer(socket, async () => void socket.write(request));
}

/** Plain TCP bytes to the TLS port (no TLS client at all): what came back before the close. */
export function tcpRaw(t: Target, parts: readonly Part[], localAddress = '127.0.0.1'): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: t.port, localAddress });
    socket.once('connect', () => readAnswer(socket, () => sendParts(socket, parts)).then(resolve));
    socket.on('error', () => resolve({ kind: 'closed' }));
  });
}
