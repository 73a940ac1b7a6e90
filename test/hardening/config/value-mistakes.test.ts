/**
 * Operator mistakes in values — in the file or in environment variables — run through the real
 * `herald start` / `check-config`: exit 1, the key named with where its value came from (the
 * variable, not the file, when a variable set it), no stack trace, nothing listening.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertRefused, runHerald } from './cli-harness.js';
import { writeConfig } from './config-files.js';
import { mistakeFolders } from './mistake-folders.js';

const c = mistakeFolders('herald-values-');

async function run(command: string, over: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const dir = c.caseDir();
  const file = writeConfig(dir, c.p8, over);
  return { file, result: await runHerald([command, '--config', file], { env }) };
}

describe('values set by environment variables', { concurrency: 3 }, () => {
  test('HERALD__REST__PORT=abc is blamed on the variable, not on the config file', async () => {
    const { file, result } = await run('start', {}, { HERALD__REST__PORT: 'abc' });
    assertRefused(result, { key: 'rest.port', mentions: ['environment variable HERALD__REST__PORT="abc"'], not: [`in ${file}`] });
  });

  test('PUSH_HTTPS_PORT=notaport is blamed on the MongoosePush variable', async () => {
    const { file, result } = await run('start', {}, { PUSH_HTTPS_PORT: 'notaport' });
    assertRefused(result, { key: 'rest.port', mentions: ['environment variable PUSH_HTTPS_PORT="notaport"'], not: [`in ${file}`] });
  });

  test('an empty HERALD__REST__PORT is reported as an empty variable', async () => {
    assertRefused((await run('start', {}, { HERALD__REST__PORT: '' })).result, { key: 'HERALD__REST__PORT', mentions: ['is set but empty'] });
  });

  test('an unknown key in a HERALD__ variable is an error naming the variable', async () => {
    assertRefused((await run('start', {}, { HERALD__REST__PROT: '9443' })).result, { key: 'rest.prot', mentions: ['unknown key', 'HERALD__REST__PROT'] });
  });

  test('a HERALD__ variable with an empty segment is reported instead of ignored', async () => {
    assertRefused((await run('start', {}, { HERALD__REST____PORT: '9443' })).result, { key: 'HERALD__REST____PORT', mentions: ['HERALD__SECTION__KEY'] });
  });

  test("a variable that replaces a whole section by a value is named", async () => {
    assertRefused((await run('start', {}, { HERALD__REST: '1' })).result, { key: 'rest', mentions: ['HERALD__REST'] });
  });

  test('a bad PUSH_APNS_PROD_POOL_SIZE is named by the variable and the pool key it sets', async () => {
    assertRefused((await run('start', {}, { PUSH_APNS_PROD_POOL_SIZE: 'many' })).result, { key: 'apns.pools.0.connections', mentions: ['PUSH_APNS_PROD_POOL_SIZE'] });
  });

  test('a secret set by a variable is never echoed in the error', async () => {
    const { result } = await run('start', {}, { HERALD__REST__AUTH_TOKENS: '["hunter2 with spaces"]' });
    assertRefused(result, { key: 'rest.auth_tokens.0', mentions: ['HERALD__REST__AUTH_TOKENS'], not: ['hunter2'] });
  });

  test('an all-digit component password from the environment is taken as text, not refused as a number', async () => {
    const { result } = await run('check-config', { component: { enabled: true } }, { HERALD__COMPONENT__PASSWORD: '123456' });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /valid/);
  });
});

describe('values in the file', { concurrency: 3 }, () => {
  test('store.map_size_mib is refused with the name of the key that replaced it', async () => {
    const { file, result } = await run('start', { store: { map_size_mib: 64 } });
    assertRefused(result, { key: 'store.map_size_mib', mentions: ['renamed to store.max_size_mib', file] });
  });

  test('a port out of range is named with the file it is in', async () => {
    const { file, result } = await run('start', { rest: { port: 70_000 } });
    assertRefused(result, { key: 'rest.port', mentions: [file] });
  });

  test('two APNS pools of one name are refused, naming the second', async () => {
    const { result } = await run('start', { apns: { pools: [{ mode: 'prod' }, { name: 'apns-prod', mode: 'dev' }] } });
    assertRefused(result, { key: 'apns.pools.1.name', mentions: ['used by an earlier pool'] });
  });

  test('a missing config file is named with the cause', async () => {
    const missing = join(c.dir, 'no-such-herald.toml');
    assertRefused(await runHerald(['start', '--config', missing]), { key: missing, mentions: ['HERALD_CONFIG_UNREADABLE', 'no such file'] });
  });

  test('a config file that is not TOML is named as such', async () => {
    const dir = c.caseDir();
    const file = join(dir, 'broken.toml');
    writeFileSync(file, '[rest\nport = ');
    assertRefused(await runHerald(['check-config', '--config', file]), { key: 'not valid TOML', mentions: [file] });
  });

  test('problems in the file and in the environment are reported together', async () => {
    const { file, result } = await run('check-config', { actors: { mailbox_capacity: 0 } }, { HERALD__REST__PORT: 'abc' });
    assertRefused(result, { key: 'actors.mailbox_capacity', mentions: [file, 'HERALD__REST__PORT'] });
  });
});
