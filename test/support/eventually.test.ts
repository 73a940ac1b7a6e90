import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually } from './eventually.js';

test('eventually resolves once a check holds, checking again until it does', async () => {
  let checks = 0;
  await eventually(() => ++checks === 3, 'the third check');
  assert.equal(checks, 3);
});

test('eventually awaits an async check', async () => {
  let checks = 0;
  await eventually(async () => ++checks === 2, 'the second check');
  assert.equal(checks, 2);
});

test('eventually rejects naming what it waited for and the timeout when the check never holds', async () => {
  await assert.rejects(eventually(() => false, 'a push that never comes', 20), {
    message: 'timed out after 20 ms waiting for a push that never comes',
  });
});

test('eventually rejects with the error of a check that throws', async () => {
  await assert.rejects(
    eventually(() => {
      throw new Error('broken check');
    }, 'anything'),
    { message: 'broken check' },
  );
});
