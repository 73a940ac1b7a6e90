/**
 * Runs bench/profile-functions.ts on a CPU profile of a small busy script, so that a change that
 * breaks its tables or its chart fails the tests; never the figures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

const run = promisify(execFile);
/** A named function busy long enough (tens of ms) for V8's sampler to see it. */
const BUSY = 'function busyLoop() { let x = 0; for (let i = 0; i < 3e7; i++) x += Math.sqrt(i); return x } busyLoop()';

test('profile-functions prints the top functions by self and inclusive time and charts both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-profile-functions-'));
  try {
    await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '-e', BUSY]);
    const profile = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!);
    await withBenchRun({ script: 'profile-functions.js', args: [profile, '--ops', '10', '--top', '5'] }, (stdout) => {
      assert.match(stdout, /^## by self time$/m);
      assert.match(stdout, /^\| +busyLoop \[eval\]:1 \| +\d+\.\d\d \| +\d+\.\d \|$/m);
      const chart = chartOf(stdout, 'profile-functions');
      assert.deepEqual(chart.series, [profile.split('/').at(-1)]);
      const words = texts(chart.root);
      for (const label of ['busyLoop [eval]:1', '(root)']) assert.ok(words.includes(label), `a bar for ${label}`);
      for (const panel of ['by self time, µs/op', 'by inclusive time, µs/op']) assert.ok(words.some((w) => w.startsWith(panel)), `a panel ${panel}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
