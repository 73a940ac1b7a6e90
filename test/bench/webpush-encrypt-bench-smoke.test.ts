/**
 * Runs the Web Push bench (bench/webpush-encrypt.ts) in its quick mode, so that a change that
 * breaks it (or the correctness checks it makes before timing) fails the tests; never the figures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** A hung bench fails its test instead of the suite; the quick run takes about a second. */
const BENCH_TIMEOUT_MS = 60_000;
const SCRIPT = fileURLToPath(new URL('../../bench/webpush-encrypt.js', import.meta.url));

test("the Web Push bench checks and times Herald's encryption and VAPID signing, with a CPU table", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, '--quick'], { timeout: BENCH_TIMEOUT_MS });
  for (const task of ['encrypt 3 KB — node:crypto (Herald)', 'VAPID sign — node:crypto (Herald)']) {
    const name = task.replace(/[()]/g, '\\$&');
    assert.match(stdout, new RegExp(`\\| ${name} +\\| +[\\d,]+ \\|`), `a timing row for ${task}`);
    assert.match(stdout, new RegExp(`\\| ${name} \\| [\\d.]+ \\| \\d+ \\|`), `a CPU row for ${task}`);
  }
});
