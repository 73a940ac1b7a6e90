import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApnsRequest } from '../../../src/push-service/apns/headers.js';
import { prepareApnsRequest } from '../../../src/push-service/apns/request.js';
import { decodeRequestBatch, encodeRequestBatch } from '../../../src/push-service/threaded/request-batch.js';

const TOKEN = 'ab'.repeat(32);
const DEFAULTS = { defaultTopic: 'com.example.herald', expirationS: 86_400 };

function prepared(n: Parameters<typeof prepareApnsRequest>[0]): ApnsRequest {
  const r = prepareApnsRequest(n, DEFAULTS, 1_800_000_000_000);
  assert.ok(!('reason' in r), 'the fixture prepares');
  return r;
}

describe('request batch crossing to a sender thread', () => {
  it('gives back every request field for field, in order', () => {
    const batch = [
      prepared({ service: 'apns', device_id: TOKEN, mode: 'prod', alert: { title: 'alice@localhost', body: 'OH, HAI!', badge: 1 } }),
      prepared({ service: 'apns', device_id: TOKEN, mode: 'prod', topic: 'com.example.app.voip', priority: 'normal', time_to_live: 0, data: { k: 'v' } }),
    ];
    assert.deepEqual(decodeRequestBatch(encodeRequestBatch(batch)), batch);
  });

  it('keeps an absent collapse id absent and an empty one empty', () => {
    const without = prepared({ service: 'apns', device_id: TOKEN, mode: 'prod', alert: { title: 't', body: 'b' } });
    const empty = { ...without, collapseId: '' };
    const [a, b] = decodeRequestBatch(encodeRequestBatch([without, empty]));
    assert.equal(a!.collapseId, undefined);
    assert.ok(Object.hasOwn(a!, 'collapseId'), 'the field exists, as prepareApnsRequest makes it');
    assert.equal(b!.collapseId, '');
  });

  it('carries any payload text unchanged: quotes, separators, controls, astral and lone surrogates', () => {
    const body = JSON.stringify({ aps: { alert: { title: '"\u001e\u001f\u0000,]', body: '😀 \ud800 ü \\' } } });
    const r = { ...prepared({ service: 'apns', device_id: TOKEN, mode: 'prod', alert: { title: 't', body: 'b' } }), body };
    assert.equal(decodeRequestBatch(encodeRequestBatch([r]))[0]!.body, body);
  });

  it('crosses an empty batch as an empty list', () => {
    assert.deepEqual(decodeRequestBatch(encodeRequestBatch([])), []);
  });
});
