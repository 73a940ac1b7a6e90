import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, validateConfig } from '../../src/core/config/load.js';
import { isHeraldError } from '../../src/core/errors.js';
import { IDEMPOTENCY_LEASE_MARGIN_MS, idempotencyLeaseMs } from '../../src/core/config/schema.js';

function withFile(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'herald-config-'));
  const file = join(dir, 'herald.toml');
  writeFileSync(file, text);
  try {
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the shipped default config validates and is frozen', () => {
  const config = loadConfigFile('config/default.toml', {});
  assert.equal(config.rest.port, 8443);
  assert.equal(config.simulators.apns.enabled, true);
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.apns));
});

test('an empty file gives every default', () => {
  withFile('', (file) => {
    const config = loadConfigFile(file, {});
    assert.equal(config.actors.shard_size, 1000);
    assert.equal(config.xmpp_server.domain, 'localhost');
  });
});

test('every bad key is named in one error, with the file', () => {
  withFile('[rest]\nport = "x"\nprot = 1\n[apns]\nconnections = 0\n[nope]\n', (file) => {
    assert.throws(
      () => loadConfigFile(file, {}),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.code, 'HERALD_CONFIG_INVALID');
        const keys = e.problems.map((p) => p.key).sort();
        assert.deepEqual(keys, ['apns.connections', 'nope', 'rest.port', 'rest.prot']);
        assert.match(e.message, /herald\.toml/);
        return true;
      },
    );
  });
});

test('a file that is not TOML is reported as such', () => {
  withFile('[rest\nport=', (file) => {
    assert.throws(() => loadConfigFile(file, {}), (e: unknown) => e instanceof ConfigError && /TOML/.test(e.message));
  });
});

test('a missing file is HERALD_CONFIG_UNREADABLE', () => {
  assert.throws(() => loadConfigFile('/nonexistent/herald.toml', {}), (e: unknown) =>
    isHeraldError(e, 'HERALD_CONFIG_UNREADABLE'),
  );
});

test('environment variables override ports and secrets', () => {
  const config = validateConfig({}, 'inline', {
    HERALD__REST__PORT: '9443',
    HERALD_APNS_TEAM_ID: 'ABCDE12345',
    HERALD__SIMULATORS__APNS__ENABLED: 'false',
  });
  assert.equal(config.rest.port, 9443);
  assert.equal(config.apns.team_id, 'ABCDE12345');
  assert.equal(config.simulators.apns.enabled, false);
});

test('a bad environment value is named by its key', () => {
  assert.throws(
    () => validateConfig({}, 'inline', { HERALD__REST__PORT: '99999' }),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.key === 'rest.port'),
  );
});

test('a rest.idempotency.lease_ms no longer than a request can take is refused, naming the keys it is measured against', () => {
  // Defaults: 10 000 body + (2 + 1) × 5 000 per APNS attempt + 10 000 held between attempts = 35 000 ms.
  assert.equal(validateConfig({ rest: { idempotency: { lease_ms: 35_001 } } }).rest.idempotency.lease_ms, 35_001);
  assert.throws(
    () => validateConfig({ rest: { idempotency: { lease_ms: 35_000 } } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.some(
        (p) => p.key === 'rest.idempotency.lease_ms' && p.problem.includes('35000 ms') && p.problem.includes('rest.body_timeout_ms') && p.problem.includes('apns.request_timeout_ms'),
      ),
  );
  // A shorter request: a shorter lease is enough.
  assert.doesNotThrow(() => validateConfig({ rest: { body_timeout_ms: 1_000, idempotency: { lease_ms: 2_000 } }, apns: { request_timeout_ms: 100, retry_attempts: 0, retry_after_max_ms: 0 }, fcm: { request_timeout_ms: 100, retry_attempts: 0, retry_after_max_ms: 0 }, webpush: { request_timeout_ms: 100, retry_attempts: 0, retry_after_max_ms: 0 } }));
  // Web Push's timings count as the others': the slowest enabled service sets the bound.
  assert.equal(idempotencyLeaseMs(validateConfig({ webpush: { request_timeout_ms: 20_000 } })), 10_000 + 3 * 20_000 + 10_000 + IDEMPOTENCY_LEASE_MARGIN_MS);
  // Unset, the lease follows the timeouts: the longest request plus the margin; keys are kept longer than that.
  assert.equal(idempotencyLeaseMs(validateConfig({})), 35_000 + IDEMPOTENCY_LEASE_MARGIN_MS);
  assert.equal(idempotencyLeaseMs(validateConfig({ fcm: { request_timeout_ms: 20_000 } })), 10_000 + 3 * 20_000 + 10_000 + IDEMPOTENCY_LEASE_MARGIN_MS);
  assert.throws(
    () => validateConfig({ rest: { idempotency: { retention_ms: 35_000 + IDEMPOTENCY_LEASE_MARGIN_MS } } }),
    (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.key === 'rest.idempotency.retention_ms'),
  );
});
