/**
 * Runs the several-instances benchmark at a toy size, so that a change to `herald start`, the
 * HAProxy harness or the REST API that breaks it fails `npm test` instead of the next benchmark
 * run. Checks that it finishes and prints its result lines; never the figures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** A hung benchmark fails the test instead of the suite; this run takes about 15 s. */
const BENCH_TIMEOUT_MS = 120_000;
const SCRIPT = fileURLToPath(new URL('../../bench/instances.js', import.meta.url));

test('the several-instances benchmark loads 1 Herald, 1 behind HAProxy and 2 behind HAProxy and reports req/s, p50 and p99 of each', async () => {
  const args = ['--duration', '1', '--rounds', '1', '--warmup', '0', '--connections', '10'];
  const { stdout } = await run(process.execPath, [SCRIPT, ...args], { timeout: BENCH_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 });
  assert.match(stdout, /^# command: node dist\/bench\/instances\.js --duration 1 --rounds 1 --warmup 0 --connections 10$/m);
  assert.match(stdout, /; HAProxy version \d+\.\d+/m);
  for (const target of ['1 instance, direct', '1 instance behind HAProxy', '2 instances behind HAProxy']) {
    const row = new RegExp(`^\\| +1 \\| +${target} \\| +(\\d+) \\| +\\d+\\.\\d \\| +\\d+\\.\\d \\| +\\d+ \\|$`, 'm').exec(stdout);
    assert.ok(row, `a result row for ${target} in\n${stdout}`);
    assert.ok(Number(row[1]) > 0, `${target} answered requests`);
  }
  assert.match(stdout, /^2 behind HAProxy \/ 1 behind HAProxy: median of the per-round req\/s ratios \d+\.\d\d$/m);
});
