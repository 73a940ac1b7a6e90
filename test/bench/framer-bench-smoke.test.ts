/**
 * Runs the framer bench (bench/framer.ts) at a toy size, so that a change that breaks it or its
 * chart fails the tests instead of the next benchmark run; never the figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

const CONTESTANTS = ['StreamParser: parse (Element per stanza)', 'StanzaFramer: frame (text per stanza)', 'StanzaFramer + parseStanza of each text'];

test('the framer bench times framing against parsing per round and charts µs per stanza', async () => {
  await withBenchRun({ script: 'framer.js', args: ['--rounds', '1', '--time-ms', '20', '--stanzas', '32'] }, (stdout) => {
    for (const name of CONTESTANTS) assert.ok(stdout.includes(`| ${name} | `), `a row for ${name}`);
    const chart = chartOf(stdout, 'framer');
    assert.deepEqual(chart.series, CONTESTANTS);
    assert.ok(['round 1', 'median', 'µs/stanza'].every((t) => texts(chart.root).includes(t)), 'categories and unit');
  });
});
