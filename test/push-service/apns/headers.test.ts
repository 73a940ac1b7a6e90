import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { describe, it } from 'node:test';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { apnsRequestHeaders, type ApnsRequest } from '../../../src/push-service/apns/headers.js';
import { APNS_PAYLOAD_LIMIT_BYTES, APNS_VOIP_PAYLOAD_LIMIT_BYTES } from '../../../src/push-service/apns/payload.js';
import { prepareApnsRequest } from '../../../src/push-service/apns/request.js';

const TOKEN = '0123456789abcdef'.repeat(4);
const NOW = 1_700_000_000_500;
const defaults = { defaultTopic: 'com.example.app', expirationS: 86_400 };
const alert = { title: 't', body: 'b' };

function prepare(n: Partial<PushNotification>): ApnsRequest {
  const r = prepareApnsRequest({ service: 'apns', device_id: TOKEN, mode: 'prod', ...n }, defaults, NOW);
  assert.ok(!('ok' in r), `expected a request, got ${JSON.stringify(r)}`);
  return r;
}

function refusal(n: Partial<PushNotification>): unknown {
  return prepareApnsRequest({ service: 'apns', device_id: TOKEN, mode: 'prod', ...n }, defaults, NOW);
}

describe('APNS request headers', () => {
  it('post an alert to /3/device/<token> with bearer auth, topic, alert push type, priority 10 and expiration', () => {
    const req = prepare({ alert, collapse_id: 'c1' });
    const headers = apnsRequestHeaders(req, 'bearer JWT');
    assert.equal(headers[':method'], 'POST');
    assert.equal(headers[':path'], `/3/device/${TOKEN}`);
    assert.equal(headers.authorization, 'bearer JWT');
    assert.equal(headers['apns-topic'], 'com.example.app');
    assert.equal(headers['apns-push-type'], 'alert');
    assert.equal(headers['apns-priority'], 10);
    assert.equal(headers['apns-expiration'], 1_700_000_000 + 86_400);
    assert.equal(headers['apns-collapse-id'], 'c1');
    assert.match(String(headers['apns-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('mark :path, authorization and apns-id as never indexed', () => {
    const headers = apnsRequestHeaders(prepare({ alert }), 'bearer JWT') as Record<symbol, unknown>;
    assert.deepEqual(headers[http2.sensitiveHeaders], [':path', 'authorization', 'apns-id']);
  });

  it('send a silent push as background with priority 5, whatever priority was asked', () => {
    const req = prepare({ priority: 'high', data: { a: 1 } });
    assert.equal(req.pushType, 'background');
    assert.equal(req.priority, 5);
  });

  it('map priority normal to 5 and high to 10 for alerts', () => {
    assert.equal(prepare({ alert, priority: 'normal' }).priority, 5);
    assert.equal(prepare({ alert, priority: 'high' }).priority, 10);
  });

  it("use the notification's topic, and voip for a .voip topic", () => {
    assert.equal(prepare({ alert, topic: 'org.other' }).topic, 'org.other');
    const voip = prepare({ alert, topic: 'org.other.voip' });
    assert.equal(voip.pushType, 'voip');
    assert.equal(voip.priority, 10);
  });

  it('take the expiration from time_to_live, and keep a lifetime of 0 as 0', () => {
    assert.equal(prepare({ alert, time_to_live: 60 }).expiration, 1_700_000_060);
    assert.equal(prepare({ alert, time_to_live: 0 }).expiration, 0);
    const noStore = prepareApnsRequest({ service: 'apns', device_id: TOKEN, mode: 'prod', alert }, { ...defaults, expirationS: 0 }, NOW);
    assert.equal((noStore as ApnsRequest).expiration, 0);
  });

  it('leave out apns-collapse-id when none is given', () => {
    assert.equal('apns-collapse-id' in apnsRequestHeaders(prepare({ alert }), 'bearer x'), false);
  });
});

describe('APNS request refusals decided before sending', () => {
  it('refuse a payload above 4096 bytes as payload_too_large, and allow 5120 for voip', () => {
    const big = 'x'.repeat(APNS_PAYLOAD_LIMIT_BYTES);
    assert.deepEqual(refusal({ alert, data: { big } }), { ok: false, reason: 'payload_too_large' });
    const voipSized = 'x'.repeat(APNS_PAYLOAD_LIMIT_BYTES + 100);
    assert.equal(prepare({ alert, topic: 'a.voip', data: { v: voipSized } }).pushType, 'voip');
    assert.deepEqual(refusal({ alert, topic: 'a.voip', data: { v: 'x'.repeat(APNS_VOIP_PAYLOAD_LIMIT_BYTES) } }), {
      ok: false,
      reason: 'payload_too_large',
    });
  });

  it('accept a payload of exactly 4096 bytes', () => {
    const overhead = Buffer.byteLength(JSON.stringify({ aps: { alert }, d: '' }));
    const req = prepare({ alert, data: { d: 'x'.repeat(APNS_PAYLOAD_LIMIT_BYTES - overhead) } });
    assert.equal(req.body.length, APNS_PAYLOAD_LIMIT_BYTES);
  });

  it('refuse a device token that is not hex as invalid_request', () => {
    for (const device_id of ['', 'zz', '../x', `${TOKEN}/x`, 'ab\r\ncd']) {
      assert.deepEqual(refusal({ alert, device_id }), { ok: false, reason: 'invalid_request' });
    }
  });

  it('refuse header values Node cannot send as invalid_notification, and a collapse id over 64 bytes', () => {
    assert.deepEqual(refusal({ alert, topic: 'a\nb' }), { ok: false, reason: 'invalid_notification' });
    assert.deepEqual(refusal({ alert, collapse_id: 'é' }), { ok: false, reason: 'invalid_notification' });
    assert.deepEqual(refusal({ alert, collapse_id: 'x'.repeat(65) }), { ok: false, reason: 'invalid_request' });
    assert.deepEqual(refusal({ alert, time_to_live: -1 }), { ok: false, reason: 'invalid_notification' });
    assert.deepEqual(refusal({ alert, topic: 42 as unknown as string }), { ok: false, reason: 'invalid_notification' });
  });

  it('refuse data JSON cannot encode as invalid_notification instead of throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.deepEqual(refusal({ alert, data: cyclic }), { ok: false, reason: 'invalid_notification' });
    assert.deepEqual(refusal({ alert, data: { n: 1n } }), { ok: false, reason: 'invalid_notification' });
  });
});
