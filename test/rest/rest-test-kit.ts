/**
 * Shared pieces for the REST tests: a programmable PushDispatcher test double, a real server on
 * 127.0.0.1:0 with a fresh self-signed certificate, and HTTP/1.1 + HTTP/2 clients trusting it.
 */
import https from 'node:https';
import http2 from 'node:http2';
import { configSchema } from '../../src/core/config/schema.js';
import { generateLocalhostPair, type TlsPair } from '../../src/core/tls.js';
import type { PushDispatcher, PushNotification, PushOutcome } from '../../src/push-service/notification.js';
import { startRestServer, type RestConfig, type RestServer } from '../../src/rest/server.js';
import type { Logger } from '../../src/core/log.js';
import { forSuite } from '../support/for-suite.js';

/**
 * Test double for the REST layer's one dependency: records every notification it is given and
 * answers with the programmed outcome (or throws the programmed error).
 */
export class ProgrammedDispatcher implements PushDispatcher {
  readonly received: PushNotification[] = [];
  outcome: PushOutcome = { ok: true, id: 'test-id' };
  throws: unknown = undefined;
  /** When set, send() waits for this before answering (for in-flight tests). */
  gate: Promise<void> | undefined;

  /** Back to a fresh double: nothing received, every notification delivered, no throw, no gate. */
  reset(): void {
    this.received.length = 0;
    this.outcome = { ok: true, id: 'test-id' };
    this.throws = undefined;
    this.gate = undefined;
  }

  async send(notification: PushNotification): Promise<PushOutcome> {
    this.received.push(notification);
    if (this.throws !== undefined) throw this.throws;
    if (this.gate) await this.gate;
    return this.outcome;
  }
}

let pair: Promise<TlsPair> | undefined;
/** One certificate per test process: generating one takes longer than the tests using it. */
export function testTlsPair(): Promise<TlsPair> {
  pair ??= generateLocalhostPair();
  return pair;
}

export interface TestServer {
  server: RestServer;
  dispatcher: ProgrammedDispatcher;
  ca: string;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<RestConfig> = {}, log?: Logger): Promise<TestServer> {
  const tls = await testTlsPair();
  const dispatcher = new ProgrammedDispatcher();
  const config = { ...configSchema.parse({}).rest, bind: '127.0.0.1', port: 0, ...overrides };
  const server = await startRestServer({ config, dispatcher, tls, ...(log ? { log } : {}) });
  return { server, dispatcher, ca: tls.cert, close: () => server.close() };
}

/** A server for the tests of the enclosing `describe`: started before the first, closed after the last. */
export function testServerForSuite(overrides: Partial<RestConfig> = {}, log?: Logger): TestServer {
  return forSuite(() => startTestServer(overrides, log));
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The negotiated protocol as the client saw it. */
  protocol: 'http/1.1' | 'h2';
}

export interface RequestSpec {
  method?: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** HTTP/2 only: the body is written but the stream never ended (a body that stalls). */
  unfinished?: boolean;
}

/** HTTP/1.1 over TLS with node:https (ALPN offers only http/1.1). */
export function h1Request(t: TestServer, spec: RequestSpec): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(spec.path, t.server.url);
    const req = https.request(
      url,
      {
        method: spec.method ?? 'POST',
        ca: t.ca,
        agent: false,
        headers: { 'content-type': 'application/json', ...spec.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            protocol: 'http/1.1',
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** HTTP/2 over TLS with node:http2; one session per call, closed afterwards. */
export async function h2Request(t: TestServer, spec: RequestSpec): Promise<Answer> {
  const session = http2.connect(t.server.url, { ca: t.ca });
  try {
    return await h2RequestOn(session, spec);
  } finally {
    session.close();
  }
}

export function h2RequestOn(session: http2.ClientHttp2Session, spec: RequestSpec): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': spec.method ?? 'POST',
      ':path': spec.path,
      'content-type': 'application/json',
      ...spec.headers,
    });
    let status = 0;
    let headers: Answer['headers'] = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = h as Answer['headers'];
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8'), protocol: 'h2' }));
    stream.on('error', reject);
    if (spec.unfinished) stream.write(spec.body ?? '');
    else stream.end(spec.body);
  });
}

export const CLIENTS = [
  { name: 'HTTP/1.1', request: h1Request },
  { name: 'HTTP/2', request: h2Request },
] as const;

/** Records log lines so tests can check what is (and is not) logged. */
export class RecordingLog implements Logger {
  readonly lines: { level: 'error' | 'warn' | 'info' | 'debug'; message: string; fields?: Record<string, unknown> }[] = [];
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  debug(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'debug', message, ...(fields ? { fields } : {}) });
  }
  errors(): string[] {
    return this.lines.filter((l) => l.level === 'error').map((l) => l.message);
  }
}
