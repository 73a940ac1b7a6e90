import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('check-config prints the effective config of a valid file and exits 0', async () => {
  const { code, stdout } = await run(['check-config', '--config', 'config/default.toml']);
  assert.equal(code, 0);
  assert.match(stdout, /config\/default\.toml: valid/);
  const effective = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { rest: { port: number } };
  assert.equal(effective.rest.port, 8443);
});

test('check-config names the file and every bad key, and exits non-zero', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
  try {
    const file = join(dir, 'bad.toml');
    writeFileSync(file, '[rest]\nport = -1\n[actors]\nmailbox_capacity = "many"\nmystery = 1\n');
    const { code, stderr } = await run(['check-config', '--config', file]);
    assert.equal(code, 1);
    assert.match(stderr, /bad\.toml/);
    for (const key of ['rest.port', 'actors.mailbox_capacity', 'actors.mystery']) assert.match(stderr, new RegExp(key.replace('.', '\\.')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an environment override is validated like the file', async () => {
  const { code, stderr } = await run(['check-config', '--config', 'config/default.toml'], { HERALD__APNS__CONNECTIONS: '0' });
  assert.equal(code, 1);
  assert.match(stderr, /apns\.connections/);
});

test('an unknown command prints the usage and exits 2', async () => {
  const { code, stderr } = await run(['frobnicate']);
  assert.equal(code, 2);
  assert.match(stderr, /usage: herald/);
});
