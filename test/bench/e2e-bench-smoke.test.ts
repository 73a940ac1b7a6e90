/**
 * Runs the end-to-end benchmark (bench/e2e.ts) at a toy size, with a two-point thread-scaling
 * table, so that a change that breaks it or its charts fails the tests instead of the next
 * benchmark run. Checks that it prints its tables, verdicts and charts; never the figures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chartOf, texts } from './svg-document.js';

const run = promisify(execFile);
/** A hung benchmark fails the test instead of the suite; the toy run takes ~15 s on 2 busy cores. */
const BENCH_TIMEOUT_MS = 90_000;
const CONTESTANTS = ['Herald (publish IQ → APNS 200)', 'bare node:http2 loop'];

describe('the end-to-end benchmark (smoke, toy size)', () => {
  it('measures Herald against the bare loop in paired rounds and by shard count, and charts both tables', async () => {
    const path = fileURLToPath(new URL('../../bench/e2e.js', import.meta.url));
    const results = mkdtempSync(join(tmpdir(), 'herald-e2e-results-'));
    try {
      const args = ['--pushes', '300', '--rounds', '1', '--scaling', '0,1', '--scaling-rounds', '1', '--results', results];
      const { stdout } = await run(process.execPath, [path, ...args], { timeout: BENCH_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 });
      assert.match(stdout, /^\| +median \| +\d+ \| +\d+ \| +\d+\.\d\d \|/m);
      assert.match(stdout, /^Herald \/ bare: median of the paired per-round ratios \d+\.\d\d .+: (met|NOT met)$/m);
      assert.match(stdout, /^\| +0 \(main thread\) \| +\d+ \| +\d+ \|/m);

      const rounds = chartOf(stdout, 'e2e');
      assert.deepEqual(rounds.series, CONTESTANTS);
      assert.ok(['round 1', 'median', 'pushes/s'].every((t) => texts(rounds.root).includes(t)), 'categories and unit');
      const scaling = chartOf(stdout, 'e2e-scaling');
      assert.deepEqual(scaling.series, CONTESTANTS);
      assert.ok(['0 (main thread) shards', '1 shards'].every((t) => texts(scaling.root).includes(t)), 'a bar group per shard count');
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
  });
});
