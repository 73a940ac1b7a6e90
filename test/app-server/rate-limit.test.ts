import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PushRateLimiter } from '../../src/app-server/rate-limiter.js';
import { CALL_SUMMARY_FIELD } from '../../src/xmpp/push-publish.js';
import type { Element } from '@xmpp/xml';
import { answerOf, ask, createIq, errorOf, harnessForSuite, publishIq } from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN', topic: 'com.example.app' };
const BURST = 10;

/** `result` or the error of each reply. */
const outcomes = (replies: Element[]) => replies.map(answerOf);

describe('the per-node push rate limit', () => {
  const h = harnessForSuite({ config: { app_server: { rate_limit_per_node: 2, rate_limit_interval_ms: 5_000 } }, nodes: ['burst', 'other', 'calls', 'later'] });
  beforeEach(() => {
    h.dispatcher.sent.length = 0;
  });

  it('lets the configured number of a burst through and answers the rest wait/resource-constraint', async () => {
    const replies = await Promise.all(Array.from({ length: BURST }, () => ask(h.role, publishIq('burst', OPTIONS))));
    const results = outcomes(replies);
    assert.deepEqual(results, ['result', 'result', ...Array<string>(BURST - 2).fill('wait/resource-constraint')]);
    assert.equal(h.dispatcher.sent.length, 2);
  });

  it('limits each node on its own', async () => {
    assert.equal((await ask(h.role, publishIq('other', OPTIONS))).attrs.type, 'result');
    assert.equal(h.dispatcher.sent.length, 1);
  });

  it('never holds a call back behind message pushes, nor a message behind background pushes', async () => {
    const call = { 'message-count': '1', [CALL_SUMMARY_FIELD]: 'jmi-1' };
    for (let i = 0; i < 2; i++) await ask(h.role, publishIq('calls', OPTIONS));
    assert.equal(errorOf(await ask(h.role, publishIq('calls', OPTIONS))), 'wait/resource-constraint');
    assert.equal((await ask(h.role, publishIq('calls', OPTIONS, call))).attrs.type, 'result');
    assert.equal((await ask(h.role, publishIq('calls', OPTIONS, { 'message-count': '2' }))).attrs.type, 'result', 'background');
    assert.equal(h.dispatcher.sent.length, 4);
  });

  it('opens the window again once the interval has passed', async () => {
    for (let i = 0; i < 2; i++) await ask(h.role, publishIq('later', OPTIONS));
    assert.equal(errorOf(await ask(h.role, publishIq('later', OPTIONS))), 'wait/resource-constraint');
    h.advance(5_000);
    assert.equal((await ask(h.role, publishIq('later', OPTIONS))).attrs.type, 'result');
  });

  it('does not count refused publishes against the window', async () => {
    await ask(h.role, createIq('picky'));
    for (let i = 0; i < 3; i++) await ask(h.role, publishIq('picky', { service: 'apns' }));
    assert.equal((await ask(h.role, publishIq('picky', OPTIONS))).attrs.type, 'result');
  });
});

describe('a rate limiter', () => {
  it('slides: a push leaves the window exactly one interval after it was taken', () => {
    let now = 0;
    const limiter = new PushRateLimiter(1, 5_000, () => now);
    assert.equal(limiter.tryTake('alert'), true);
    now = 4_999;
    assert.equal(limiter.tryTake('alert'), false);
    assert.equal(limiter.waitMs('alert'), 1);
    now = 5_000;
    assert.equal(limiter.tryTake('alert'), true);
  });

  it('takes everything when the limit is 0', () => {
    const limiter = new PushRateLimiter(0, 5_000, () => 0);
    for (let i = 0; i < 100; i++) assert.equal(limiter.tryTake('alert'), true);
  });
});
