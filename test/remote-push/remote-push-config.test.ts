/** The `[remote_push]` section: off by default, and every bad value named by its key. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfigFile, validateConfig } from '../../src/core/config/load.js';

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.key}: ${p.problem}`);
  }
}

test('the bridge is off by default, with MongooseIM-like defaults', () => {
  const { remote_push } = validateConfig({});
  assert.deepEqual(remote_push, { enabled: false, api_version: 'v3', connections: 100, max_pending: 1_000, request_timeout_ms: 2_000 });
});

test('the shipped default.toml documents the same defaults', () => {
  assert.deepEqual(loadConfigFile('config/default.toml', {}).remote_push, validateConfig({}).remote_push);
});

test('enabling the bridge requires a url', () => {
  assert.deepEqual(problemsOf({ remote_push: { enabled: true } }), ['remote_push.url: required when enabled = true']);
});

test('bad values are each named', () => {
  const problems = problemsOf({
    remote_push: { enabled: true, url: 'ftp://x.example', api_version: 'v4', connections: 0, max_pending: -1, auth_token: 'has space', extra: 1 },
  });
  for (const key of ['url', 'api_version', 'connections', 'max_pending', 'auth_token', 'extra']) {
    assert.ok(problems.some((p) => p.startsWith(`remote_push.${key}`)), `${key} in ${problems.join('; ')}`);
  }
  assert.ok(problemsOf({ remote_push: { url: 'https://x.example/?q=1' } }).some((p) => p.includes('no query')));
});

test('a url with a path prefix and the optional keys are accepted', () => {
  const { remote_push } = validateConfig({
    remote_push: { enabled: true, url: 'https://push.example.com:8443/mongoosepush', api_version: 'v2', auth_token: 'abc.DEF-123', ca_file: '/etc/ca.pem' },
  });
  assert.equal(remote_push.url, 'https://push.example.com:8443/mongoosepush');
  assert.equal(remote_push.auth_token, 'abc.DEF-123');
});
