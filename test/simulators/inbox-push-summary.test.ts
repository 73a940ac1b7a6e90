/**
 * What the push inbox shows of a delivery (src/simulators/control/inbox/browser/push-summary.ts,
 * pure, so it runs here without a browser): push type, priority, title/body or silent, answer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Delivery as ServedDelivery } from '../../src/simulators/control/deliveries.js';
import { summarise, type Delivery } from '../../src/simulators/control/inbox/browser/push-summary.js';

// The browser folder repeats the Delivery shape (it compiles apart, for the DOM): a delivery the
// control API serves must still be one the page reads, or this file stops compiling.
const _servedIsReadable = (d: ServedDelivery): Delivery => d;
void _servedIsReadable;

const TOKEN = '0123456789abcdef'.repeat(4);

function apns(headers: Record<string, string>, payload: unknown): Delivery {
  return { id: 1, service: 'apns', device: TOKEN, outcome: 'accepted', receivedAt: 0, headers, payload, answer: { status: 200 } };
}

function fcm(message: unknown): Delivery {
  return { id: 1, service: 'fcm', device: 'fcm-token-1234567890', outcome: 'accepted', receivedAt: 0, payload: message, answer: { status: 200 } };
}

test('an APNS alert shows its push type, priority, title and body, and the device as first 6 … last 4', () => {
  const s = summarise(apns({ 'apns-push-type': 'alert', 'apns-priority': '5' }, { aps: { alert: { title: 'T', body: 'B' } } }));
  assert.deepEqual(s, { deviceHint: '012345…cdef', answer: '200', answeredOk: true, pushType: 'alert', priority: '5', title: 'T', body: 'B', silent: false });
});

test('an APNS alert given as a string is its body; without apns-priority the priority is Apple\'s default 10', () => {
  const s = summarise(apns({ 'apns-push-type': 'alert' }, { aps: { alert: 'just a body' } }));
  assert.equal(s.body, 'just a body');
  assert.equal(s.title, undefined);
  assert.equal(s.priority, '10');
});

test('an APNS push without an alert is silent', () => {
  const s = summarise(apns({ 'apns-push-type': 'background', 'apns-priority': '5' }, { aps: { 'content-available': 1 } }));
  assert.equal(s.silent, true);
  assert.equal(s.pushType, 'background');
});

test('an FCM notification (or android.notification) is an alert with its title and body; android.priority is its priority', () => {
  assert.deepEqual(summarise(fcm({ token: 't', notification: { title: 'T', body: 'B' } })), {
    deviceHint: 'fcm-to…7890', answer: '200', answeredOk: true, pushType: 'alert', priority: 'normal', title: 'T', body: 'B', silent: false,
  });
  const android = summarise(fcm({ token: 't', android: { priority: 'high', notification: { title: 'A', body: 'C' } } }));
  assert.deepEqual([android.pushType, android.priority, android.title, android.body], ['alert', 'high', 'A', 'C']);
});

test('an FCM message with data only is a silent data push', () => {
  const s = summarise(fcm({ token: 't', data: { a: '1' } }));
  assert.deepEqual([s.pushType, s.silent], ['data', true]);
});

test('refusals and faults show the answer given', () => {
  const refused: Delivery = { id: 2, service: 'apns', device: TOKEN, outcome: 'rejected', receivedAt: 0, answer: { status: 410, reason: 'Unregistered' } };
  assert.deepEqual([summarise(refused).answer, summarise(refused).answeredOk], ['410 Unregistered', false]);
  const faulted: Delivery = { id: 3, service: 'fcm', device: 'x', outcome: 'faulted', receivedAt: 0, answer: { fault: 'drop-connection' } };
  assert.equal(summarise(faulted).answer, 'fault: drop-connection');
});

test('a refused push recorded whole shows what it carried, from the request as sent', () => {
  const refused: Delivery = {
    id: 4,
    service: 'apns',
    device: TOKEN,
    outcome: 'rejected',
    receivedAt: 0,
    request: { headers: { 'apns-push-type': 'alert', 'apns-priority': '5' } },
    payload: { aps: { alert: { title: 'Romeo', body: 'Are you there?' } } },
    answer: { status: 410, reason: 'Unregistered' },
  };
  const s = summarise(refused);
  assert.deepEqual([s.pushType, s.priority, s.title, s.body, s.answer], ['alert', '5', 'Romeo', 'Are you there?', '410 Unregistered']);
});

test('payload fields of the wrong type are ignored, not shown or thrown on', () => {
  const s = summarise(apns({}, { aps: { alert: { title: { nested: true }, body: ['x'] } } }));
  assert.deepEqual([s.title, s.body, s.silent], [undefined, undefined, false]);
  assert.doesNotThrow(() => summarise(fcm(null)));
  assert.doesNotThrow(() => summarise(apns({}, 'not json')));
});

function webpush(payload: unknown, headers: Record<string, string> = { ttl: '60' }): Delivery {
  return { id: 1, service: 'webpush', device: 'AbCdEf0123456789xyzw', outcome: 'accepted', receivedAt: 0, headers, payload, answer: { status: 201 } };
}

test('a Web Push payload with a title or body is an alert; its Urgency is the priority; 201 is a success', () => {
  const s = summarise(webpush({ title: 'T', body: 'B', tag: 'chat' }, { ttl: '60', urgency: 'high' }));
  assert.deepEqual(s, { deviceHint: 'AbCdEf…xyzw', answer: '201', answeredOk: true, pushType: 'alert', priority: 'high', title: 'T', body: 'B', silent: false });
  assert.equal(summarise(webpush({ body: 'only a body' })).pushType, 'alert');
});

test('a Web Push without Urgency is "normal" (RFC 8030 §5.3); without title or body it is a silent data push', () => {
  const s = summarise(webpush({ data: { unread: 3 } }));
  assert.equal(s.priority, 'normal');
  assert.equal(s.pushType, 'data');
  assert.equal(s.silent, true);
  assert.equal(summarise(webpush('plain words')).silent, true);
  assert.equal(summarise(webpush(undefined)).pushType, 'data');
});

test('a refused Web Push shows the status and the refusal', () => {
  const s = summarise({ ...webpush(undefined), outcome: 'rejected', answer: { status: 410, reason: 'gone' } });
  assert.equal(s.answer, '410 gone');
  assert.equal(s.answeredOk, false);
});
