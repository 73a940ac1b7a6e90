import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isHeraldError } from '../../src/core/errors.js';
import { eventually } from '../support/eventually.js';
import { onWebPushSimulator, push } from './webpush-test-client.js';

describe('Web Push simulator: programmed subscriptions and fault modes', () => {
  const on = onWebPushSimulator();

  test('gone, not-found, server-error and unavailable answer 410, 404, 500 and 503 for that subscription only', async () => {
    const [programmed, other] = [on.sim.createSubscription(), on.sim.createSubscription()];
    for (const [name, status] of [['gone', 410], ['not-found', 404], ['server-error', 500], ['unavailable', 503]] as const) {
      on.sim.program(programmed.endpoint, name);
      assert.equal((await push(on.client, programmed, { payload: 'x' })).status, status, name);
      assert.equal((await push(on.client, other, { payload: 'x' })).status, 201);
    }
    assert.deepEqual(on.sim.stats.rejectedByReason, { gone: 1, 'not-found': 1, 'server-error': 1, unavailable: 1 });
  });

  test('too-many-requests answers 429 with the programmed Retry-After, `times` times, then the push goes through', async () => {
    const s = on.sim.createSubscription();
    on.sim.program(s.endpoint, { refusal: 'too-many-requests', retryAfterSeconds: 30, times: 2 });
    for (let i = 0; i < 2; i++) {
      const answer = await push(on.client, s, { payload: 'x' });
      assert.deepEqual([answer.status, answer.headers['retry-after']], [429, '30']);
    }
    assert.equal((await push(on.client, s, { payload: 'x' })).status, 201);
    assert.equal(on.sim.attempts(s.endpoint.split('/').pop()!), 3);
  });

  test('drop-connection cuts the connection instead of answering, and is recorded as a fault', async () => {
    const s = on.sim.createSubscription();
    on.sim.program(s.endpoint, 'drop-connection');
    await assert.rejects(push(on.client, s, { payload: 'x' }), /closed without a response/);
    await eventually(() => on.client.destroyed || on.client.closed, 'the client session to end');
    assert.equal(on.sim.faulted[0]?.fault, 'drop-connection');
  });

  test('a 429 burst (fault mode) answers every subscription 429 with Retry-After and an autopush body', async () => {
    on.sim.faults.set({ tooManyRequests: { count: 1, retryAfterSeconds: 5 } });
    const answer = await push(on.client, on.sim.createSubscription(), { payload: 'x' });
    assert.deepEqual([answer.status, answer.headers['retry-after'], answer.json?.error], [429, '5', 'Too Many Requests']);
  });

  test('a program that is neither a refusal nor a fault is refused with HERALD_CONFIG_INVALID', () => {
    assert.throws(() => on.sim.program('id', 'teapot' as 'gone'), (e) => isHeraldError(e, 'HERALD_CONFIG_INVALID'));
    assert.throws(() => on.sim.program('id', { refusal: 'gone', fault: 'hang' }), (e) => isHeraldError(e, 'HERALD_CONFIG_INVALID'));
  });
});
