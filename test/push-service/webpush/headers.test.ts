import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../../src/core/errors.js';
import { webPushHeaders, type PushOptions } from '../../../src/push-service/webpush/headers.js';

const invalid = (e: unknown) => isHeraldError(e, 'HERALD_WEBPUSH_INVALID');

describe('Web Push request headers (RFC 8030 §5)', () => {
  it('carry TTL, Urgency, Topic and the aes128gcm content coding of an encrypted body', () => {
    assert.deepEqual(webPushHeaders({ ttl: 60, urgency: 'high', topic: 'new_mail' }, 140), {
      ttl: '60',
      urgency: 'high',
      topic: 'new_mail',
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
      'content-length': '140',
    });
  });

  it('a push without payload has no content coding; TTL 0 is allowed (deliver now or never)', () => {
    assert.deepEqual(webPushHeaders({ ttl: 0 }, 0), { ttl: '0', 'content-length': '0' });
  });

  it('refuse a TTL that is negative, fractional or over 30 days', () => {
    for (const ttl of [-1, 1.5, 2_592_001, Number.NaN]) assert.throws(() => webPushHeaders({ ttl }, 10), invalid, String(ttl));
  });

  it('refuse an Urgency outside very-low, low, normal, high', () => {
    assert.throws(() => webPushHeaders({ ttl: 1, urgency: 'urgent' } as unknown as PushOptions, 10), invalid);
  });

  it('refuse a Topic longer than 32 characters or outside the base64url alphabet', () => {
    assert.doesNotThrow(() => webPushHeaders({ ttl: 1, topic: 'a'.repeat(32) }, 10));
    for (const topic of ['a'.repeat(33), 'new mail', 'ünïcode', '']) assert.throws(() => webPushHeaders({ ttl: 1, topic }, 10), invalid, topic);
  });
});
