/**
 * Runs the shutdown bench (bench/shutdown.ts) at a toy size, so that a change that breaks it or
 * its chart fails the tests instead of the next benchmark run; never the figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

test('the shutdown bench closes a Herald holding 2000 live users, prints its figures and charts them', async () => {
  await withBenchRun({ script: 'shutdown.js', args: ['--users', '2000'], nodeArgs: ['--expose-gc'] }, (stdout) => {
    assert.match(stdout, /^\| +2000 \| +\d+ \| +\d+ \| +\d+ \| +\d+ \|$/m);
    const chart = chartOf(stdout, 'shutdown');
    assert.deepEqual(chart.series, ['Herald, 2000 users']);
    const words = texts(chart.root);
    for (const quantity of ['enables/s', 'heap before close', 'heap peak in close', 'close']) assert.ok(words.includes(quantity), `a bar for ${quantity}`);
  });
});
