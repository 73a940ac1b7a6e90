import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../src/core/config/load.js';
import { configProblems as problemsOf } from '../core/config-problems.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('the component is off by default and the shipped config keeps it off', () => {
  const config = loadConfigFile('config/default.toml', {});
  assert.equal(config.component.enabled, false);
  assert.equal(config.component.service, 'xmpp://127.0.0.1:5347');
});

test('a config that still sets component.domain is refused, naming the key and what to do instead', () => {
  for (const enabled of [true, false]) {
    const problems = problemsOf({ app_server: { jid: 'push.example.com' }, component: { enabled, domain: 'push.example.com', password: 's' } });
    assert.deepEqual(problems.map((p) => p.key), ['component.domain']);
    assert.match(problems[0]!.problem, /removed/);
    assert.match(problems[0]!.problem, /app_server\.jid = "push\.example\.com"/);
  }
});

test('component.domain set from the environment is refused against the variable', () => {
  const problems = problemsOf({}, { HERALD__COMPONENT__DOMAIN: 'push.example.com' });
  assert.deepEqual(problems.map((p) => p.key), ['component.domain']);
  assert.equal(problems[0]!.env, 'HERALD__COMPONENT__DOMAIN');
});

test('an enabled component needs the server secret', () => {
  const problems = problemsOf({ component: { enabled: true } });
  assert.deepEqual(problems.map((p) => p.key), ['component.password']);
});

test('the secret may come from the environment', () => {
  assert.deepEqual(problemsOf({ component: { enabled: true } }, { HERALD__COMPONENT__PASSWORD: 'from-env' }), []);
});

test('the service must be xmpp://host:port', () => {
  for (const service of ['127.0.0.1:5347', 'xmpp://127.0.0.1', 'https://127.0.0.1:5347', 'xmpp://127.0.0.1:5347/x']) {
    assert.deepEqual(problemsOf({ component: { service } }).map((p) => p.key), ['component.service'], service);
  }
  assert.deepEqual(problemsOf({ component: { service: 'xmpp://[::1]:5347' } }), []);
});

test('the reconnect ceiling may not be below the first delay', () => {
  const problems = problemsOf({ component: { reconnect: { backoff_ms: 5_000, max_ms: 1_000 } } });
  assert.deepEqual(problems.map((p) => p.key), ['component.reconnect.max_ms']);
});

test('the flat reconnect keys are refused, naming the reconnect table that replaced them', () => {
  const problems = problemsOf({ component: { reconnect_backoff_ms: 1_000, reconnect_max_ms: 30_000 } });
  assert.deepEqual(problems.map((p) => p.key), ['component.reconnect_backoff_ms', 'component.reconnect_max_ms']);
  assert.match(problems[0]!.problem, /component\.reconnect\.backoff_ms/);
  assert.match(problems[1]!.problem, /component\.reconnect\.max_ms/);
});

test('every instance joins unless told, and a standby tries for the link every second', () => {
  const config = loadConfigFile('config/default.toml', {});
  assert.equal(config.component.instances, 'all_join');
  assert.equal(config.component.leadership.poll_ms, 1_000);
});

test('one instance holding the link is refused on the LMDB store, naming component.instances and the store it needs', () => {
  const problems = problemsOf({ component: { instances: 'one_holds_the_link' } });
  assert.deepEqual(problems.map((p) => p.key), ['component.instances']);
  assert.match(problems[0]!.problem, /store\.backend = "postgres"/);
});

test('one instance holding the link is accepted on the PostgreSQL store', () => {
  const store = { backend: 'postgres', postgres: { url: 'postgres://herald@127.0.0.1/herald' } };
  assert.deepEqual(problemsOf({ store, component: { instances: 'one_holds_the_link', leadership: { poll_ms: 250 } } }), []);
});

test('check-config hides the component secret, and shows an unset one as empty', async () => {
  const secret = 'very-secret-component-password';
  const set = await checkConfig({ HERALD__COMPONENT__PASSWORD: secret });
  assert.equal(set.effective.component.password, '[redacted]');
  assert.equal(set.effective.component.service, 'xmpp://127.0.0.1:5347');
  assert.ok(!set.stdout.includes(secret));
  assert.equal((await checkConfig({})).effective.component.password, '');
});

async function checkConfig(env: NodeJS.ProcessEnv): Promise<{ stdout: string; effective: { component: { password: string; service: string } } }> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, 'check-config', '--config', 'config/default.toml'],
      { env: { ...process.env, ...env } },
      (error, out) => (error ? reject(error) : resolve(out)),
    );
  });
  return { stdout, effective: JSON.parse(stdout.slice(stdout.indexOf('{'))) };
}
