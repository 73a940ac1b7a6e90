/**
 * An application server for the Web Push simulator tests, built from Herald's wire code
 * (encrypt, VAPID, headers) over a bare node:http2 session: one request per call, so each test
 * sees exactly what went over the wire.
 */
import type { ClientHttp2Session, OutgoingHttpHeaders } from 'node:http2';
import { after, before, beforeEach } from 'node:test';
import { encrypt } from '../../src/push-service/webpush/encrypt.js';
import { webPushHeaders, type PushOptions } from '../../src/push-service/webpush/headers.js';
import type { PushSubscription } from '../../src/push-service/webpush/subscription.js';
import { vapidAuthorization } from '../../src/push-service/webpush/vapid.js';
import { generateVapidKeys, vapidKeyPair, type VapidKeys } from '../../src/push-service/webpush/vapid-keys.js';
import { startWebPushSimulator, type WebPushSimulator, type WebPushSimulatorOptions } from '../../src/simulators/webpush/index.js';
import { connectTo, post, type Answer } from './fcm/fcm-test-client.js';

export { connectTo, post, type Answer } from './fcm/fcm-test-client.js';

export const SUBJECT = 'mailto:ops@example.org';
export const APP_SERVER_KEYS: VapidKeys = generateVapidKeys();

export interface PushRequest {
  payload?: string | Buffer;
  options?: PushOptions;
  /** VAPID keys; default APP_SERVER_KEYS. */
  keys?: VapidKeys;
  /** VAPID aud; default the endpoint's origin. */
  audience?: string;
  /** VAPID exp, epoch seconds; default an hour from now. */
  expiry?: number;
  /** Headers replacing (undefined: removing) the ones built. */
  headers?: Record<string, string | undefined>;
  /** The body as sent, instead of the payload encrypted for the subscription. */
  body?: Buffer;
}

/** POSTs a push to `subscription.endpoint` on `session`, as an application server would. */
export function push(session: ClientHttp2Session, subscription: PushSubscription, request: PushRequest = {}): Promise<Answer> {
  const url = new URL(subscription.endpoint);
  const body = request.body ?? (request.payload === undefined ? Buffer.alloc(0) : encrypt(request.payload, subscription));
  const expiry = request.expiry ?? Math.floor(Date.now() / 1_000) + 3_600;
  const authorization = vapidAuthorization(request.audience ?? url.origin, SUBJECT, vapidKeyPair(request.keys ?? APP_SERVER_KEYS), expiry);
  const headers: OutgoingHttpHeaders = { ...webPushHeaders(request.options ?? { ttl: 60 }, body.length), authorization };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return post(session, url.pathname, body, headers);
}

export interface OnWebPushSimulator {
  sim: WebPushSimulator;
  /** A session opened before each test (the previous one closed). */
  client: ClientHttp2Session;
}

/**
 * For a describe block: a simulator started once, its records, programs and fault modes cleared
 * and a fresh client session before each test, both closed at the end.
 */
export function onWebPushSimulator(options?: WebPushSimulatorOptions): OnWebPushSimulator {
  const on = {} as OnWebPushSimulator;
  before(async () => {
    on.sim = await startWebPushSimulator(options);
  });
  beforeEach(async () => {
    on.sim.reset();
    on.sim.faults.clear();
    on.client?.close();
    on.client = await connectTo(on.sim);
  });
  after(async () => {
    on.client?.close();
    await on.sim.close();
  });
  return on;
}
