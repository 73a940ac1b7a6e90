import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalOrder } from '../../src/actors/index.js';

test('a step that answers at once runs at once and gives its value, not a promise', () => {
  const order = new ArrivalOrder();
  assert.equal(order.run('k', () => 7), 7);
});

test("a key's later steps wait for its earlier waiting step, even when theirs answer sooner; other keys do not wait", async () => {
  const order = new ArrivalOrder();
  const ran: string[] = [];
  let release!: () => void;
  const first = order.run('k', () => new Promise<void>((resolve) => (release = resolve)).then(() => void ran.push('k1')));
  const second = order.run('k', () => void ran.push('k2'));
  order.run('other', () => void ran.push('other'));
  assert.deepEqual(ran, ['other']);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(ran, ['other', 'k1', 'k2']);
});

test('a failed step does not stop the steps after it', async () => {
  const order = new ArrivalOrder();
  const failed = order.run('k', () => Promise.reject(new Error('store down')));
  const next = order.run('k', () => 'next');
  await assert.rejects(failed, /store down/);
  assert.equal(await next, 'next');
});
