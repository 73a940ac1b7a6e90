/**
 * A real REST server on 127.0.0.1:0 for the hardening tests: the programmable dispatcher of the
 * REST tests, an ops source (so /metrics carries the REST families), a logger that keeps every
 * line, and the "normal client" whose v3 request must get its 200 after every hostile input.
 */
import http2 from 'node:http2';
import https from 'node:https';
import { configSchema } from '../../../src/core/config/schema.js';
import type { Logger } from '../../../src/core/log.js';
import { poolsOpsSource, type OpsSource } from '../../../src/push-service/ops/ops-source.js';
import { startRestServer, type RestConfig, type RestServer } from '../../../src/rest/server.js';
import { sampleValue } from '../../e2e/rest-session.js';
import { ProgrammedDispatcher, testTlsPair } from '../../rest/rest-test-kit.js';

export const NORMAL_PATH = '/v3/notification/f53453455aa0';
export const NORMAL_BODY = '{"service":"apns","alert":{"title":"t","body":"b"}}';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  event: string;
  fields: Record<string, unknown> | undefined;
}

/** Keeps every line (the server wraps it with redaction, as Herald does). */
export class KeptLog implements Logger {
  readonly lines: LogLine[] = [];
  debug(event: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'debug', event, fields });
  }
  info(event: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', event, fields });
  }
  warn(event: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', event, fields });
  }
  error(event: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', event, fields });
  }
  /** Lines at info and above (what an operator sees by default). */
  visible(): LogLine[] {
    return this.lines.filter((l) => l.level !== 'debug');
  }
}

export interface Target {
  readonly server: RestServer;
  readonly dispatcher: ProgrammedDispatcher;
  readonly log: KeptLog;
  readonly ca: string;
  readonly port: number;
  readonly url: string;
  /** The bearer token the server requires, if any. */
  readonly token: string | undefined;
  /** Headers a well-behaved client sends (the token included). */
  readonly goodHeaders: Record<string, string>;
  close(): Promise<void>;
}

/** No pools: /metrics carries the REST families (and empty push families). */
const OPS: OpsSource = poolsOpsSource([], 'test');

/** The [rest] keys this build's schema knows. */
export const KNOWN_REST_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.parse({}).rest));

/** Fails on a key the schema does not know (a typo in a test's configuration). */
export function assertKnownKeys(overrides: Partial<RestConfig>): void {
  const unknown = Object.keys(overrides).filter((key) => !KNOWN_REST_KEYS.has(key));
  if (unknown.length > 0) throw new Error(`[rest] keys this build does not know: ${unknown.join(', ')}`);
}

/**
 * A server with `overrides` applied. Keys the schema does not know are left out rather than
 * refused, so that the same suite runs against an older build (to show what it gets wrong there);
 * each test file checks that its own keys are all known.
 */
export async function startTarget(overrides: Partial<RestConfig> = {}): Promise<Target> {
  const tls = await testTlsPair();
  const dispatcher = new ProgrammedDispatcher();
  const log = new KeptLog();
  const known = Object.fromEntries(Object.entries(overrides).filter(([key]) => KNOWN_REST_KEYS.has(key)));
  const config = configSchema.parse({ rest: { ...known, bind: '127.0.0.1', port: 0 } }).rest;
  const server = await startRestServer({ config, dispatcher, tls, log, ops: OPS });
  const token = config.auth_tokens[0];
  return {
    server,
    dispatcher,
    log,
    ca: tls.cert,
    port: server.port,
    url: server.url,
    token,
    goodHeaders: token === undefined ? {} : { authorization: `Bearer ${token}` },
    close: () => server.close(),
  };
}

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The well-behaved client's v3 request over HTTP/2, from `localAddress` (default 127.0.0.1). */
export function normalH2(t: Target, localAddress = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(t.url, { ca: t.ca, localAddress } as http2.SecureClientSessionOptions);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': NORMAL_PATH, 'content-type': 'application/json', ...t.goodHeaders });
    let status = 0;
    let headers: Answer['headers'] = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = h as Answer['headers'];
    });
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => {
      session.close();
      resolve({ status, body, headers });
    });
    stream.on('error', reject);
    stream.end(NORMAL_BODY);
  });
}

/** The well-behaved client's request over HTTP/1.1 (node:https, ALPN http/1.1). */
export function normalH1(t: Target, path = NORMAL_PATH, method = 'POST', localAddress = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, t.url),
      { method, ca: t.ca, agent: false, localAddress, headers: { 'content-type': 'application/json', ...t.goodHeaders } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? NORMAL_BODY : undefined);
  });
}

/** GET /metrics with the server's token. */
export async function scrape(t: Target): Promise<string> {
  const answer = await normalH1(t, '/metrics', 'GET');
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
  return answer.body;
}

export async function metric(t: Target, series: string): Promise<number> {
  return sampleValue(await scrape(t), series) ?? Number.NaN;
}
