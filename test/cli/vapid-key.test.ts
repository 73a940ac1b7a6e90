import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVapidKeyFile } from '../../src/push-service/webpush/vapid-key-file.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('vapid-key prints the applicationServerKey of webpush.vapid_key_file, making the key once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-vapid-'));
  try {
    const keyFile = join(dir, 'vapid.pem');
    const config = join(dir, 'herald.toml');
    writeFileSync(config, `[webpush]\nvapid_key_file = ${JSON.stringify(keyFile)}\n`);
    const first = await run(['vapid-key', '--config', config]);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(existsSync(keyFile), 'the key is made where missing, as herald start would');
    const key = first.stdout.trim();
    const point = Buffer.from(key, 'base64url');
    assert.deepEqual([point.length, point[0]], [65, 0x04], 'an uncompressed P-256 point (RFC 8292 §3.2)');
    assert.equal(key, loadVapidKeyFile(keyFile).publicKey, "the key Herald signs with");
    assert.equal((await run(['vapid-key', '--config', config])).stdout.trim(), key, 'the same key next time');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vapid-key on a file that is not a P-256 key fails naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-vapid-'));
  try {
    const keyFile = join(dir, 'vapid.pem');
    writeFileSync(keyFile, 'not a key\n');
    const config = join(dir, 'herald.toml');
    writeFileSync(config, `[webpush]\nvapid_key_file = ${JSON.stringify(keyFile)}\n`);
    const { code, stderr } = await run(['vapid-key', '--config', config]);
    assert.equal(code, 1);
    assert.match(stderr, /vapid\.pem/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
