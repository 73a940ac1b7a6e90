import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/core/config/load.js';
import { configProblems as problemsOf } from './config-problems.js';

/** Every `{ backoff_ms, max_ms }` of the schema, with its defaults. */
const BACKOFFS = {
  'component.reconnect': { backoff_ms: 1_000, max_ms: 30_000 },
  'apns.reconnect': { backoff_ms: 250, max_ms: 30_000 },
  'fcm.reconnect': { backoff_ms: 250, max_ms: 30_000 },
  'apns.sender_thread_restart': { backoff_ms: 1_000, max_ms: 30_000 },
  'shards.restart': { backoff_ms: 1_000, max_ms: 30_000 },
};

function at(path: string, value: unknown): Record<string, unknown> {
  const [section, key] = path.split('.') as [string, string];
  return { [section]: { [key]: value } };
}

test('every backoff has the one shape, with its defaults', () => {
  const config = validateConfig({}, '(test)', {}) as unknown as Record<string, Record<string, unknown>>;
  for (const [path, defaults] of Object.entries(BACKOFFS)) {
    const [section, key] = path.split('.') as [string, string];
    assert.deepEqual(config[section]![key], defaults, path);
  }
});

test('a backoff whose max_ms is below its backoff_ms is refused, naming the key', () => {
  for (const path of Object.keys(BACKOFFS)) {
    assert.deepEqual(problemsOf(at(path, { backoff_ms: 5_000, max_ms: 1_000 })).map((p) => p.key), [`${path}.max_ms`]);
  }
});

test('max_ms is not capped: a provider connection may back off beyond 30 s', () => {
  const config = validateConfig(at('apns.reconnect', { backoff_ms: 250, max_ms: 120_000 }), '(test)', {});
  assert.equal(config.apns.reconnect.max_ms, 120_000);
});

test('the flat keys the backoffs replaced are refused, naming their replacement', () => {
  const renamed = {
    'apns.reconnect_backoff_ms': 'apns.reconnect.backoff_ms',
    'fcm.reconnect_backoff_ms': 'fcm.reconnect.backoff_ms',
    'apns.sender_thread_restart_base_ms': 'apns.sender_thread_restart.backoff_ms',
    'apns.sender_thread_restart_max_ms': 'apns.sender_thread_restart.max_ms',
    'shards.restart_base_ms': 'shards.restart.backoff_ms',
    'shards.restart_max_ms': 'shards.restart.max_ms',
  };
  for (const [old, replacement] of Object.entries(renamed)) {
    const problems = problemsOf(at(old, 1_000));
    assert.deepEqual(problems.map((p) => p.key), [old]);
    assert.ok(problems[0]!.problem.includes(`renamed to ${replacement}`), problems[0]!.problem);
  }
});

test('a backoff may be set key by key from the environment', () => {
  const config = validateConfig({}, '(test)', { HERALD__FCM__RECONNECT__MAX_MS: '60000' });
  assert.deepEqual(config.fcm.reconnect, { backoff_ms: 250, max_ms: 60_000 });
});
