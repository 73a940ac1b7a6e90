/**
 * Runs the stream-gating bench (bench/stream-gate.ts) at a toy size, so that a change that breaks
 * it or its chart fails the tests instead of the next benchmark run; never the figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

test('the stream-gate bench compares independent stanzas with one gated stream per round, and charts pushes/s', async () => {
  await withBenchRun({ script: 'stream-gate.js', args: ['--pushes', '300', '--rounds', '1', '--shards', '1', '--nodes', '50'] }, (stdout) => {
    assert.match(stdout, /^\| +median \| +\d+ \| +\d+ \| +\d+\.\d{3} \| +\d+\.\d \| +\d+\.\d \| +\d+\.\d{3} \|$/m);
    const chart = chartOf(stdout, 'stream-gate');
    assert.deepEqual(chart.series, ['independent stanzas', 'one stream (gated)']);
    assert.ok(['round 1', 'median', 'pushes/s'].every((t) => texts(chart.root).includes(t)), 'categories and unit');
  });
});
