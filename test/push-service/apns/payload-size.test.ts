import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APNS_PAYLOAD_LIMIT_BYTES } from '../../../src/push-service/apns/payload.js';
import { prepareApnsRequest } from '../../../src/push-service/apns/request.js';
import type { PushNotification } from '../../../src/push-service/notification.js';

const TOKEN = 'ab'.repeat(32);
const DEFAULTS = { defaultTopic: 'com.example.herald', expirationS: 86_400 };
/** The payload's bytes around `data.blob`: {"aps":{"content-available":1},"blob":""}. */
const FRAME_BYTES = Buffer.byteLength(JSON.stringify({ aps: { 'content-available': 1 }, blob: '' }));

function withBlob(blob: string): ReturnType<typeof prepareApnsRequest> {
  const n: PushNotification = { service: 'apns', device_id: TOKEN, mode: 'prod', data: { blob } };
  return prepareApnsRequest(n, DEFAULTS, 1_800_000_000_000);
}

describe('APNS payload size is counted in UTF-8 bytes', () => {
  it('sends a payload of exactly 4096 bytes', () => {
    const r = withBlob('x'.repeat(APNS_PAYLOAD_LIMIT_BYTES - FRAME_BYTES));
    assert.ok('body' in r, `refused: ${JSON.stringify(r)}`);
    assert.equal(Buffer.byteLength(r.body), APNS_PAYLOAD_LIMIT_BYTES);
  });

  it('refuses one byte more', () => {
    assert.deepEqual(withBlob('x'.repeat(APNS_PAYLOAD_LIMIT_BYTES - FRAME_BYTES + 1)), { ok: false, reason: 'payload_too_large' });
  });

  it('refuses 3-byte characters that fit in 4096 UTF-16 code units but not in 4096 bytes', () => {
    const blob = '€'.repeat(1_400); // 1 400 code units, 4 200 bytes
    assert.deepEqual(withBlob(blob), { ok: false, reason: 'payload_too_large' });
  });

  it('counts a 4-byte character (a surrogate pair) as 4 bytes', () => {
    const room = APNS_PAYLOAD_LIMIT_BYTES - FRAME_BYTES;
    assert.ok('body' in withBlob('😀'.repeat(Math.floor(room / 4))));
    assert.deepEqual(withBlob('😀'.repeat(Math.floor(room / 4)) + 'x'.repeat((room % 4) + 1)), { ok: false, reason: 'payload_too_large' });
  });
});
