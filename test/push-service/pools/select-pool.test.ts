import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolSelector } from '../../../src/push-service/pools/pool-specs.js';
import { selectPool } from '../../../src/push-service/pools/select-pool.js';

const pools: PoolSelector[] = [
  { service: 'apns', name: 'apns-prod', mode: 'prod', tags: [] },
  { service: 'apns', name: 'apns-voip', mode: 'prod', tags: ['voip'] },
  { service: 'apns', name: 'apns-dev', mode: 'dev', tags: ['voip', 'beta'] },
  { service: 'fcm', name: 'fcm', mode: 'any', tags: [] },
];

const pick = (n: { service: 'apns' | 'fcm'; mode: 'prod' | 'dev'; tags?: string[] }) => selectPool(pools, n)?.name;

test('a notification without tags goes to the first pool of its service and mode', () => {
  assert.equal(pick({ service: 'apns', mode: 'prod' }), 'apns-prod');
  assert.equal(pick({ service: 'apns', mode: 'dev' }), 'apns-dev');
});

test('tags choose the first pool whose tags include all of them', () => {
  assert.equal(pick({ service: 'apns', mode: 'prod', tags: ['voip'] }), 'apns-voip');
  assert.equal(pick({ service: 'apns', mode: 'dev', tags: ['beta', 'voip'] }), 'apns-dev');
  assert.equal(pick({ service: 'apns', mode: 'prod', tags: ['voip', 'beta'] }), undefined);
});

test('an FCM pool of mode any takes both modes', () => {
  assert.equal(pick({ service: 'fcm', mode: 'prod' }), 'fcm');
  assert.equal(pick({ service: 'fcm', mode: 'dev' }), 'fcm');
});

test('no pool of the service, mode or tags means no pool', () => {
  assert.equal(selectPool(pools.slice(0, 2), { service: 'apns', mode: 'dev' }), undefined);
  assert.equal(selectPool(pools.slice(0, 3), { service: 'fcm', mode: 'prod' }), undefined);
  assert.equal(pick({ service: 'fcm', mode: 'prod', tags: ['x'] }), undefined);
});
