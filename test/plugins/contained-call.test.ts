/**
 * containedCall, the one place a hook's answer is taken: what a call that cannot be raced (it
 * answers synchronously) or that answers with a hostile thenable comes to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { containedCall, type FailureKind } from '../../src/plugins/contained-call.js';
import { checkBoolean } from '../../src/plugins/prepared-publish.js';

function recorder(): { failures: Array<[FailureKind, string]>; failed: (kind: FailureKind, reason: string) => void } {
  const failures: Array<[FailureKind, string]> = [];
  return { failures, failed: (kind, reason) => void failures.push([kind, reason]) };
}

test('a synchronous answer within the budget is used at once, without a promise', () => {
  const { failures, failed } = recorder();
  assert.equal(containedCall(() => false, 50, checkBoolean, failed), false);
  assert.deepEqual(failures, []);
});

test('a synchronous answer that overran the budget is dropped as a timeout (the call could not be cut short)', () => {
  const { failures, failed } = recorder();
  const busy = () => {
    const until = performance.now() + 5;
    while (performance.now() < until); // a hook that computes for 5 ms
    return false;
  };
  assert.equal(containedCall(busy, 1, checkBoolean, failed), undefined);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]![0], 'timeout');
});

test('a thenable whose then throws, and a throw of a non-Error, count as threw', async () => {
  const { failures, failed } = recorder();
  const hostile = { then: () => { throw new Error('then broke'); } };
  assert.equal(await containedCall(() => hostile, 50, checkBoolean, failed), undefined);
  assert.equal(containedCall(() => { throw 'a string'; }, 50, checkBoolean, failed), undefined);
  assert.deepEqual(failures, [
    ['threw', 'then broke'],
    ['threw', 'threw a string'],
  ]);
});

test('an answer after the timeout is dropped, unchecked: the failure is reported once', async () => {
  const { failures, failed } = recorder();
  let answer!: (value: unknown) => void;
  const late = new Promise<unknown>((resolve) => (answer = resolve));
  assert.equal(await containedCall(() => late, 1, checkBoolean, failed), undefined);
  answer('not a boolean');
  await late;
  assert.deepEqual(failures.map(([kind]) => kind), ['timeout']);
});
