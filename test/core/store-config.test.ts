/** `store.backend` and `[store.postgres]`: LMDB unless told, and a PostgreSQL backend that names what it lacks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/core/config/load.js';
import { configProblems } from './config-problems.js';

test('the store is LMDB unless store.backend says otherwise', () => {
  const config = validateConfig({}, '(test)', {});
  assert.equal(config.store.backend, 'lmdb');
  assert.equal(config.store.postgres.url, undefined);
});

test('the postgres backend without store.postgres.url is refused, naming the key', () => {
  assert.deepEqual(configProblems({ store: { backend: 'postgres' } }).map((p) => p.key), ['store.postgres.url']);
});

test('the postgres backend with a url is accepted with its pool defaults', () => {
  const config = validateConfig({ store: { backend: 'postgres', postgres: { url: 'postgres://herald@127.0.0.1/herald' } } }, '(test)', {});
  assert.deepEqual(config.store.postgres, {
    url: 'postgres://herald@127.0.0.1/herald',
    pool_size: 10,
    statement_timeout_ms: 5_000,
    connect_timeout_ms: 5_000,
    idle_timeout_ms: 30_000,
    reconnect: { backoff_ms: 500, max_ms: 30_000 },
    seen_retention_ms: 600_000,
    batch_max_writes: 1_000,
    batches_in_flight: 2,
  });
});

test('every bad store key is named at once: an unknown backend, a zero pool and an unknown postgres key', () => {
  const problems = configProblems({ store: { backend: 'mysql', postgres: { pool_size: 0, host: 'db' } } }).map((p) => p.key).sort();
  assert.deepEqual(problems, ['store.backend', 'store.postgres.host', 'store.postgres.pool_size']);
});
