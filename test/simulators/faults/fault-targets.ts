/**
 * The two simulators behind one face, so that each fault-mode test runs against both (one suite,
 * parameterised). They run in accept-all mode: the fault modes act before any protocol check, and
 * auth would only add set-up (APNS's one stream before a valid token) without changing them.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { after, afterEach, before, beforeEach } from 'node:test';
import { startApnsSimulator } from '../../../src/simulators/apns/index.js';
import { startFcmSimulator } from '../../../src/simulators/fcm/index.js';
import type { FaultSettings } from '../../../src/simulators/shared/fault-settings.js';
import type { Simulator } from '../../../src/simulators/shared/simulator.js';
import { ALERT_BODY } from '../apns-test-client.js';

export type AnySimulator = Simulator<{ token: string }, { token: string }> & { stats: { accepted: number } };

export interface StartOptions extends FaultSettings {
  clock?: () => number;
}

/** What became of one request: an HTTP answer, or its stream closed with `rstCode` and no answer. */
export type Outcome =
  | { answered: true; status: number; headers: Record<string, string | string[] | undefined>; json: any }
  | { answered: false; rstCode: number };

export interface FaultTarget {
  name: 'APNS' | 'FCM';
  /** The provider's names for a 503, a 500 and a 429 (APNS reason, FCM errorCode). */
  names: { 503: string; 500: string; 429: string };
  start(options?: StartOptions): Promise<AnySimulator>;
  /** Opens a request for `token` on `client`; read it with outcome(). */
  open(client: ClientHttp2Session, sim: AnySimulator, token: string): ClientHttp2Stream;
  /** The provider's error name in an answer body. */
  errorOf(json: any): string | undefined;
  /** The reason a GOAWAY's debug data carries. */
  goawayReason(debugData: Buffer | undefined): string | undefined;
  token(): string;
}

export const APNS: FaultTarget = {
  name: 'APNS',
  names: { 503: 'ServiceUnavailable', 500: 'InternalServerError', 429: 'TooManyRequests' },
  start: (options = {}) => startApnsSimulator({ acceptAll: true, ...options }),
  open(client, _sim, token) {
    const stream = client.request({ ':method': 'POST', ':path': `/3/device/${token}`, 'apns-topic': 'com.example.app' });
    stream.end(ALERT_BODY);
    return stream;
  },
  errorOf: (json) => json?.reason,
  goawayReason: (data) => (data === undefined ? undefined : JSON.parse(data.toString()).reason),
  token: () => randomBytes(32).toString('hex'),
};

export const FCM: FaultTarget = {
  name: 'FCM',
  names: { 503: 'UNAVAILABLE', 500: 'INTERNAL', 429: 'QUOTA_EXCEEDED' },
  start: (options = {}) => startFcmSimulator({ acceptAll: true, ...options }),
  open(client, sim, token) {
    const path = `/v1/projects/${(sim as unknown as { projectId: string }).projectId}/messages:send`;
    const stream = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json' });
    stream.end(JSON.stringify({ message: { token, data: { k: 'v' } } }));
    return stream;
  },
  errorOf: (json) =>
    json?.error?.details?.find((d: any) => d['@type'] === 'type.googleapis.com/google.firebase.fcm.v1.FcmError')
      ?.errorCode,
  goawayReason: (data) => (data === undefined || data.length === 0 ? undefined : data.toString()),
  token: () => `fcm-${randomBytes(8).toString('hex')}:APA91b`,
};

export const TARGETS: readonly FaultTarget[] = [APNS, FCM];

export async function connectTo(sim: { url: string; ca: string }): Promise<ClientHttp2Session> {
  const client = connect(sim.url, { ca: sim.ca });
  client.on('error', () => {});
  await once(client, 'remoteSettings');
  return client;
}

/** Resolves with what became of `stream`; never rejects. */
export function outcome(stream: ClientHttp2Stream): Promise<Outcome> {
  return new Promise((resolve) => {
    let headers: Record<string, string | string[] | undefined> | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (headers = h));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => {});
    stream.on('close', () => {
      if (headers === undefined) return resolve({ answered: false, rstCode: stream.rstCode ?? -1 });
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = text;
      }
      resolve({ answered: true, status: Number(headers[':status']), headers, json });
    });
  });
}

/** One request for `token`, and what became of it. */
export function request(target: FaultTarget, client: ClientHttp2Session, sim: AnySimulator, token = target.token()) {
  return outcome(target.open(client, sim, token));
}

/** The HTTP status, or 'refused' / 'reset <code>' for a stream closed without an answer. */
export function statusOf(o: Outcome): number | string {
  if (o.answered) return o.status;
  return o.rstCode === 7 ? 'refused' : `reset ${o.rstCode}`;
}

export interface SuiteSimulator {
  readonly sim: AnySimulator;
  /** A new client connection, destroyed after the test. */
  client(): Promise<ClientHttp2Session>;
}

/**
 * Hooks for a suite: one simulator started with `options`; before each test its fault modes are
 * cleared and its records reset; after each test the clients it opened are destroyed.
 */
export function simulatorPerSuite(target: FaultTarget, options?: StartOptions): SuiteSimulator {
  let sim: AnySimulator | undefined;
  const clients: ClientHttp2Session[] = [];
  before(async () => {
    sim = await target.start(options);
  });
  after(() => sim?.close());
  beforeEach(() => {
    sim!.faults.clear();
    sim!.reset();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  return {
    get sim() {
      return sim!;
    },
    async client() {
      const c = await connectTo(sim!);
      clients.push(c);
      return c;
    },
  };
}
