/**
 * The App Server → Push Service step: a PushPublish becomes a PushNotification, then an APNS
 * request (payload encoded once, headers with the cached provider token). Also the token itself:
 * the cached fetch every request pays against the ES256 signature the cache saves.
 */
import assert from 'node:assert/strict';
import { toPushNotification, type MappingOptions } from '../../src/app-server/notification-mapping.js';
import { apnsRequestHeaders, type ApnsRequest } from '../../src/push-service/apns/headers.js';
import { prepareApnsRequest, type ApnsRequestDefaults } from '../../src/push-service/apns/request.js';
import type { ApnsTokenProvider } from '../../src/push-service/apns/jwt.js';
import type { PushNotification } from '../../src/push-service/notification.js';
import type { MicroCase, MicroSuite } from './case.js';
import { generateBenchKey, isValidProviderToken, JWT_REFRESH_S, tokenProvider } from './apns-key.js';
import { BODY, DEVICE_TOKEN, EXPECTED_PUBLISH, SENDER } from './publish-fixture.js';

/** Config defaults: app_server.default_alert_title, apns.default_topic, apns.expiration_s. */
const MAPPING: MappingOptions = { defaultAlertTitle: 'New message' };
const APNS_DEFAULTS: ApnsRequestDefaults = { defaultTopic: 'com.example.herald', expirationS: 86_400 };

/** MongooseIM's mapping of the fixture: an alert titled by the sender, badge = message-count. */
const EXPECTED_NOTIFICATION: PushNotification = {
  service: 'apns',
  device_id: DEVICE_TOKEN,
  mode: 'prod',
  alert: { title: SENDER, body: BODY, badge: 3, tag: SENDER },
};

/** One publish all the way to the header block of its HTTP/2 request. */
function publishToApnsRequest(tokens: ApnsTokenProvider) {
  const notification = toPushNotification(EXPECTED_PUBLISH, MAPPING);
  const request = prepareApnsRequest(notification, APNS_DEFAULTS, Date.now());
  if (!('path' in request)) throw new Error(`refused locally: ${request.reason}`);
  return { notification, request, headers: apnsRequestHeaders(request, tokens.authorization()) };
}

export function apnsCases(): MicroSuite {
  const key = generateBenchKey();
  const tokens = tokenProvider(key);

  const request: MicroCase = {
    name: 'publish → PushNotification → APNS request + headers',
    async: false,
    run: () => publishToApnsRequest(tokens),
    check() {
      const before = Date.now();
      const { notification, request: req, headers } = publishToApnsRequest(tokens);
      assert.deepEqual(notification, EXPECTED_NOTIFICATION);
      assert.deepEqual(JSON.parse(req.body), {
        aps: { alert: { title: SENDER, body: BODY }, badge: 3, 'thread-id': SENDER },
      });
      const expected: Partial<ApnsRequest> = { path: `/3/device/${DEVICE_TOKEN}`, topic: APNS_DEFAULTS.defaultTopic, pushType: 'alert', priority: 10 };
      for (const [name, value] of Object.entries(expected)) assert.equal(req[name as keyof ApnsRequest], value, name);
      assert.ok(Math.abs(req.expiration - (Math.floor(before / 1000) + APNS_DEFAULTS.expirationS)) <= 1, 'apns-expiration');
      assert.equal(headers[':path'], req.path);
      assert.equal(headers['apns-push-type'], 'alert');
      assert.equal(headers['apns-id'], req.apnsId);
      assert.match(String(headers.authorization), /^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      assert.ok(isValidProviderToken(String(headers.authorization).slice('bearer '.length), key));
      // The JWT is cached: a second request signs nothing.
      publishToApnsRequest(tokens);
      assert.equal(tokens.minted, 1);
    },
  };

  const cached: MicroCase = {
    name: 'JWT: cached provider token',
    async: false,
    batch: 1_000,
    run: () => tokens.authorization(),
    check() {
      const first = tokens.token();
      const minted = tokens.minted;
      for (let i = 0; i < 10; i++) assert.equal(cached.run(), `bearer ${first}`);
      assert.equal(tokens.minted, minted, 'a cached fetch signs nothing');
      assert.ok(isValidProviderToken(first, key));
    },
  };

  // Every call lands past the refresh age, so every call signs a new token.
  let fakeNow = Date.now();
  const alwaysStale = tokenProvider(key, () => (fakeNow += JWT_REFRESH_S * 1000));
  const fresh: MicroCase = {
    name: 'JWT: fresh ES256 signature',
    async: false,
    run: () => alwaysStale.token(),
    check() {
      const minted = alwaysStale.minted;
      const a = alwaysStale.token();
      const b = alwaysStale.token();
      assert.equal(alwaysStale.minted, minted + 2, 'each call signs');
      assert.notEqual(a, b);
      assert.ok(isValidProviderToken(a, key) && isValidProviderToken(b, key));
    },
  };

  return { cases: [request, cached, fresh], close: async () => {} };
}
