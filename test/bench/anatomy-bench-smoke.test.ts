/**
 * Runs the CPU-anatomy bench (bench/anatomy.ts) at a toy size, so that a change that breaks it or
 * its charts fails the tests instead of the next benchmark run; never the figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

const CONTESTANTS = ['bare node:http2 loop', 'Herald push service alone', 'Herald, one thread', 'Herald, 1 shards'];

test('the anatomy bench measures the four contestants per round and charts their CPU per push and their pushes/s', async () => {
  await withBenchRun({ script: 'anatomy.js', args: ['--pushes', '300', '--rounds', '1', '--shards', '1'] }, (stdout) => {
    assert.match(stdout, /^\| +Herald, one thread \| +\d+ \| +\d+\.\d \| +\d+\.\d \|$/m);
    assert.match(stdout, /^CPU per push \/ bare: one thread \d+\.\d\d, 1 shards \d+\.\d\d/m);
    for (const [name, unit] of [['anatomy-cpu', 'µs CPU/push'], ['anatomy-throughput', 'pushes/s']] as const) {
      const chart = chartOf(stdout, name);
      assert.deepEqual(chart.series, CONTESTANTS, `${name}: a bar series per contestant`);
      assert.ok(['round 1', 'median', unit].every((t) => texts(chart.root).includes(t)), `${name}: categories and unit`);
    }
  });
});
