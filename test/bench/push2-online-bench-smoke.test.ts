/**
 * Runs the Push 2.0 online-messages bench (bench/push2-online.ts) at a toy size on its own
 * PostgreSQL, so that a change that breaks it fails `npm test` instead of the next benchmark run.
 * Checks every row and the reads each target sent — one per user remembered, one per message
 * without — and the chart. Never the rates.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf } from './svg-document.js';

test('the Push 2.0 online bench runs both targets in paired rounds: one read per user remembered, one per message without, and charts them', async () => {
  await withBenchRun({ script: 'push2-online.js', args: ['--users', '20', '--messages', '200', '--rounds', '2'] }, (stdout) => {
    assert.match(stdout, /^# command: node dist\/bench\/push2-online\.js --users 20 --messages 200 --rounds 2 --results \S+$/m);
    assert.match(stdout, /^# 200 messages to 20 users with an available session and no Push 2\.0 registration, PostgreSQL, 2 paired rounds$/m);
    assert.match(stdout, /^\| remembered \| +\d+ \/ \d+ \| +\d+ \| +20 \/ 20 \| +\d+ \/ \d+ \| +\d+ \/ \d+ \|$/m);
    assert.match(stdout, /^\| query each \| +\d+ \/ \d+ \| +\d+ \| +200 \/ 200 \| +\d+ \/ \d+ \| +\d+ \/ \d+ \|$/m);
    assert.match(stdout, /^remembered \/ query each: \d+\.\d\d \(median of the per-round messages\/s ratios\)$/m);
    assert.deepEqual(chartOf(stdout, 'push2-online').series, ['remembered', 'query each']);
  });
});
