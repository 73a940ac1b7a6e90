import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PushDispatcher, PushNotification, PushOutcome } from '../../src/push-service/notification.js';
import { PushRouter } from '../../src/push-service/router.js';

/** A dispatcher double that records what reached it. */
function recording(id: string): PushDispatcher & { got: PushNotification[] } {
  const got: PushNotification[] = [];
  return { got, send: (n) => (got.push(n), Promise.resolve({ ok: true, id } as PushOutcome)) };
}

const base = { device_id: 'x', mode: 'prod' as const, alert: { title: 't', body: 'b' } };

test('each notification goes to the dispatcher of its service', async () => {
  const apns = recording('a');
  const fcm = recording('f');
  const router = new PushRouter({ apns, fcm });
  assert.deepEqual(await router.send({ ...base, service: 'fcm' }), { ok: true, id: 'f' });
  assert.deepEqual(await router.send({ ...base, service: 'apns' }), { ok: true, id: 'a' });
  assert.equal(apns.got.length, 1);
  assert.equal(fcm.got.length, 1);
});

test('a service without a dispatcher is answered no_matching_pool', async () => {
  const router = new PushRouter({ apns: recording('a') });
  assert.deepEqual(await router.send({ ...base, service: 'fcm' }), { ok: false, reason: 'no_matching_pool' });
});
