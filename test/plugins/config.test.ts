/**
 * Plugins are found and checked at start: a module that cannot be imported, exports no hook or
 * a hook that is not a function fails the start with HERALD_CONFIG_INVALID naming it; a relative
 * path is the config file's; plugin objects are refused by a sharded engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHeraldError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import { Herald } from '../../src/embed/engine.js';
import { preflight } from '../../src/preflight/preflight.js';
import { ShardedHerald } from '../../src/shards/sharded-herald.js';
import { cleanup, configIn, tempDir } from '../e2e/harness.js';
import { fixturePath, withPlugins } from './harness.js';

type Start = (config: HeraldConfig) => Promise<{ close(): Promise<void> }>;

/** The message of the HERALD_CONFIG_INVALID the start fails with. */
async function refusedStart(
  modules: string[],
  start: Start = (config) => Herald.start({ config }),
  options: Record<string, Record<string, unknown>> = {},
): Promise<string> {
  const dir = tempDir();
  try {
    const herald = await start(configIn(dir, { plugins: { modules, options } })).catch((e: unknown) => e as Error);
    if (!(herald instanceof Error)) {
      await herald.close();
      assert.fail('the engine started');
    }
    assert.ok(isHeraldError(herald, 'HERALD_CONFIG_INVALID'), String(herald));
    return herald.message;
  } finally {
    cleanup(dir);
  }
}

test('a module path that does not exist fails the start, naming the key and the path', async () => {
  const missing = fixturePath('not-there');
  const message = await refusedStart([missing]);
  assert.ok(message.includes(`plugins.modules[0] (${missing}): cannot be imported`), message);
});

test('a module without any hook fails the start, naming the module and the hooks it should export', async () => {
  const message = await refusedStart([fixturePath('named-hooks'), fixturePath('no-hooks')]);
  assert.ok(message.includes(`plugins.modules[1] (${fixturePath('no-hooks')}): exports none of the hooks shouldPublish, prepare, onSessionState, onPublishOutcome`), message);
});

test('a hook that is not a function fails the start, naming the export', async () => {
  const message = await refusedStart([fixturePath('bad-export')]);
  assert.ok(message.includes(`(${fixturePath('bad-export')}): export shouldPublish must be a function, not boolean`), message);
});

test("a factory module that refuses its options fails the start, naming the module and its options' key", async () => {
  const module = join(process.cwd(), 'dist/examples/plugins/mute-sender.js');
  const message = await refusedStart([module], undefined, { 'mute-sender': { muted: 'bot@localhost' } });
  assert.ok(message.includes(`(${module}): its factory refused plugins.options.mute-sender: muted must be a list of JIDs`), message);
});

test('options for a module that is not a factory fail the start', async () => {
  const message = await refusedStart([fixturePath('named-hooks')], undefined, { 'named-hooks': { x: 1 } });
  assert.ok(message.includes('takes no options (its default export is not a factory), but plugins.options.named-hooks is set'), message);
});

test('options under a name no module has are a config error naming the key', () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'herald.toml');
    writeFileSync(file, '[plugins]\nmodules = ["./plugins/mine.js"]\n[plugins.options.mine]\na = 1\n[plugins.options.theirs]\nb = 2\n');
    assert.throws(() => loadConfig(file, {}), (e: unknown) => {
      assert.match((e as Error).message, /plugins\.options\.theirs.*names no module of plugins\.modules \(mine\)/s);
      return true;
    });
  } finally {
    cleanup(dir);
  }
});

test('a sharded engine refuses a bad module before it starts any shard', async () => {
  const message = await refusedStart([fixturePath('no-hooks')], (config) => ShardedHerald.start({ config }, 2));
  assert.ok(message.includes('exports none of the hooks'), message);
});

test('a sharded engine refuses plugin objects: they cannot reach its shard workers', async () => {
  const dir = tempDir();
  try {
    await assert.rejects(ShardedHerald.start({ config: configIn(dir), plugins: [{ shouldPublish: () => true }] }, 2), (e: unknown) => {
      assert.ok(isHeraldError(e, 'HERALD_CONFIG_INVALID'));
      assert.match((e as Error).message, /shards\.count = 0.*plugins\.modules/);
      return true;
    });
  } finally {
    cleanup(dir);
  }
});

test("a relative module path is resolved against the config file's folder", () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'herald.toml');
    writeFileSync(file, '[plugins]\nmodules = ["./plugins/mine.js", "/opt/theirs.js"]\n');
    assert.deepEqual(loadConfig(file, {}).config.plugins.modules, [join(dir, 'plugins/mine.js'), '/opt/theirs.js']);
  } finally {
    cleanup(dir);
  }
});

test("a module's named exports are its plugin when it has no default export", async () => {
  await withPlugins({ modules: [fixturePath('named-hooks')] }, async ({ herald, apns, tell, aps }) => {
    await tell('bob@localhost/x', 'the secret plan');
    await tell('bob@localhost/x', 'lunch?');
    assert.equal((await aps(1)).alert?.body, 'lunch?');
    await herald.xmppServer.whenIdle();
    assert.equal(apns.received.length, 1);
  });
});

test('the pre-flight (herald check-config) names a plugin module that is missing or not a file', async () => {
  const dir = tempDir();
  try {
    const config = configIn(dir, { plugins: { modules: [fixturePath('named-hooks'), fixturePath('not-there'), dir] } });
    const { problems } = await preflight({ config });
    assert.deepEqual(
      problems.filter((p) => p.key.startsWith('plugins.')).map((p) => [p.key, p.path, p.cause.split(' ')[0]]),
      [
        ['plugins.modules[1]', fixturePath('not-there'), 'no'],
        ['plugins.modules[2]', dir, 'is'],
      ],
    );
  } finally {
    cleanup(dir);
  }
});
