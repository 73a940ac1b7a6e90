import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../../src/core/config/load.js';
import { configProblems } from '../../core/config-problems.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../../../src/push-service/pools/pool-specs.js';

function problemKeys(raw: unknown): string[] {
  return configProblems(raw).map((p) => p.key);
}

test('an APNS pool takes the [apns] value of each overridable key it leaves unset, and its own where it sets one', () => {
  const config = validateConfig(
    {
      apns: {
        connections: 3,
        sender_threads: 1,
        default_topic: 'com.example.app',
        reconnect: { backoff_ms: 500, max_ms: 60_000 },
        pools: [{ mode: 'prod' }, { mode: 'dev', connections: 1, default_topic: 'com.example.dev' }],
      },
    },
    '(test)',
    {},
  );
  const [prod, dev] = apnsPoolSpecs(config.apns);
  assert.deepEqual([prod!.connections, prod!.threads, prod!.topic, prod!.endpoint], [3, 1, 'com.example.app', 'https://api.push.apple.com']);
  assert.deepEqual([dev!.connections, dev!.threads, dev!.topic, dev!.endpoint], [1, 1, 'com.example.dev', 'https://api.sandbox.push.apple.com']);
  // Keys no pool may set hold for every pool.
  for (const pool of [prod!, dev!]) assert.deepEqual(pool.transport.reconnect, { backoff_ms: 500, max_ms: 60_000 });
});

test('an FCM pool takes [fcm] service_account_file and connections when unset', () => {
  const config = validateConfig({ fcm: { connections: 4, pools: [{ name: 'a' }, { name: 'b', connections: 1, service_account_file: 'b.json' }] } }, '(test)', {});
  const [a, b] = fcmPoolSpecs(config.fcm);
  assert.deepEqual([a!.connections, a!.auth.file], [4, { key: 'fcm.service_account_file', path: './data/fcm-service-account.json' }]);
  assert.deepEqual([b!.connections, b!.auth.file], [1, { key: 'fcm.pools.1.service_account_file', path: 'b.json' }]);
});

test('a pool that sets a key of its section that holds for every pool is refused, naming it', () => {
  assert.deepEqual(problemKeys({ apns: { pools: [{ mode: 'prod', reconnect: { backoff_ms: 1, max_ms: 2 } }] } }), ['apns.pools.0.reconnect']);
  assert.deepEqual(problemKeys({ fcm: { pools: [{ max_in_flight: 10 }] } }), ['fcm.pools.0.max_in_flight']);
});
