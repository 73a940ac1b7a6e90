/**
 * Runs the Prosody bench (bench/prosody.ts, issue 4) at a toy size, so that a change to the
 * component link, the App Server, the APNS sender or the Prosody harness that breaks it fails
 * `npm test` instead of the next benchmark run. Checks that it finishes, prints its header and
 * result lines and chart, and found every message pushed exactly once; never the figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

const ARGS = ['--users', '3', '--senders', '2', '--seconds', '2', '--window', '20'];

test('the Prosody bench pushes messages from real clients through Prosody and Herald to APNS, each exactly once, reports the rates and charts them', async () => {
  await withBenchRun({ script: 'prosody.js', args: ARGS }, check);
});

function check(stdout: string): void {
  assert.match(stdout, /^# Prosody → Herald push throughput — /m);
  assert.match(stdout, /^# machine: .+, Prosody \S+/m);
  assert.match(stdout, /^# command: node dist\/bench\/prosody\.js --users 3 --senders 2 --seconds 2 --window 20 --results \S+$/m);
  assert.match(stdout, /^# --users 3 --senders 2 --seconds 2 --messages 0 --window 20 \(sends for 2 s\)$/m);
  // users, senders, window, seconds, sent, acked/s, pushes/s, p50, p99, exactly once, lost, duplicates.
  const row = /^\| +3 \| +2 \| +20 \| +\d+\.\d \| +(\d+) \| +\d+ \| +(\d+) \| +\d+\.\d \| +\d+\.\d \| +(\d+) \| +0 \| +0 \|$/m.exec(stdout);
  assert.ok(row, `a result row in\n${stdout}`);
  assert.ok(Number(row[1]) > 0 && Number(row[2]) > 0, 'messages were sent and pushed');
  assert.equal(row[3], row[1], 'every message sent was pushed exactly once');
  assert.match(stdout, new RegExp(`^all ${row[1]} messages pushed exactly once, each to its receiver's device token$`, 'm'));
  for (const process of ['Prosody', 'Herald \\(herald start\\)', 'bench: clients \\+ APNS simulator']) {
    assert.match(stdout, new RegExp(`^\\| +${process} \\| +\\d+\\.\\d\\d \\| +\\d+ \\| +\\d+ \\|$`, 'm'), `a CPU row for ${process}`);
  }
  const chart = chartOf(stdout, 'prosody');
  assert.deepEqual(chart.series, ['3 users, 2 senders, window 20']);
  const words = texts(chart.root);
  for (const quantity of ['Prosody acked/s', 'pushes/s', 'p50', 'p99', 'Prosody', 'Herald (herald start)', 'bench: clients + APNS simulator']) {
    assert.ok(words.includes(quantity), `a bar for ${quantity}`);
  }
}
