/**
 * Runs the memory-under-overload bench (bench/memory.ts) for two seconds, so that a change that
 * breaks it or its charts fails the tests instead of the next benchmark run; never the figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

test('the memory bench overloads Herald for two seconds, prints a row per second and charts memory and publishes over time', async () => {
  const args = ['--seconds', '2', '--offered-per-s', '400', '--latency-ms', '50', '--nodes', '50'];
  await withBenchRun({ script: 'memory.js', args, nodeArgs: ['--expose-gc'] }, (stdout) => {
    assert.match(stdout, /^\| +2 \| +\d+ \| +\d+ \| +\d+ \| +-?\d+ \| +\d+ \| +\d+ \| +\d+ \|$/m);
    assert.match(stdout, /^heap peak \(main \+ sender thread\): .+ → (bounded|GROWING)$/m);
    const memory = chartOf(stdout, 'memory-mib');
    assert.deepEqual(memory.series, ['main heap', 'sender thread heap', 'RSS']);
    assert.ok(['seconds since the load started', 'MiB'].every((t) => texts(memory.root).includes(t)), 'both axes named');
    for (const g of memory.root.getChildren('g')) assert.equal(g.getChildren('circle').length, 2, 'a point per second');
    assert.deepEqual(chartOf(stdout, 'memory-publishes').series, ['offered', 'delivered', 'refused', 'waiting']);
  });
});
