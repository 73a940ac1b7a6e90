import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickSender, type Balanced } from '../../../src/push-service/pools/balancer.js';

const sender = (name: string, load: number, more: Partial<Balanced> = {}): Balanced & { name: string } => ({ name, load, hasRoom: true, unreachable: false, ...more });
const picked = (senders: ReadonlyArray<Balanced & { name: string }>, options?: Parameters<typeof pickSender>[1]) => pickSender(senders, options)?.name;

test('the least-loaded sender with room takes the notification', () => {
  assert.equal(picked([sender('a', 3), sender('b', 1), sender('c', 2)]), 'b');
  assert.equal(picked([sender('a', 3), sender('b', 1, { hasRoom: false }), sender('c', 2)]), 'c');
});

test('no sender with room: none is picked (the caller answers backpressure)', () => {
  assert.equal(picked([sender('a', 0, { hasRoom: false }), sender('b', 0, { hasRoom: false })]), undefined);
});

test('a sender that cannot reach the provider is passed over, however idle', () => {
  assert.equal(picked([sender('a', 0, { unreachable: true }), sender('b', 9)]), 'b');
  assert.equal(picked([sender('a', 0, { unreachable: true }), sender('b', 9, { hasRoom: false })]), undefined);
});

test('as a last resort an unreachable sender takes it when asked to (sender threads report reachability late)', () => {
  const senders = [sender('a', 4, { unreachable: true }), sender('b', 2, { unreachable: true }), sender('c', 0, { hasRoom: false })];
  assert.equal(picked(senders, { unreachableAsLastResort: true }), 'b');
  assert.equal(picked([sender('a', 0, { unreachable: true }), sender('b', 7)], { unreachableAsLastResort: true }), 'b');
});

test('ties go to the first sender from where the caller starts', () => {
  const tied = [sender('a', 1), sender('b', 1), sender('c', 1)];
  assert.deepEqual([0, 1, 2, 3].map((from) => picked(tied, { from })), ['a', 'b', 'c', 'a']);
});
