/**
 * Runs the users bench (bench/users.ts, issue 9) at a toy size, so that a change to the XMPP
 * Server role or the store that breaks it fails `npm test` instead of the next benchmark run.
 * Checks that it finishes and prints every row, and that enables were batched: fewer synced
 * commits than enables. Never the rates.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

const ARGS = ['--users', '600', '--pushes', '100', '--window', '100', '--scaling', '1', '--scaling-pushes', '200', '--scaling-rounds', '1'];

/** The value column of the row named `measure`. */
function value(stdout: string, measure: string): number {
  const row = new RegExp(`^\\| +${measure.replace(/[()]/g, '\\$&')} \\| +([\\d.]+) \\|`, 'm').exec(stdout);
  assert.ok(row, `a row "${measure}" in\n${stdout}`);
  return Number(row[1]);
}

test('the users bench enables 600 users (900 devices), pushes to them, restarts, scales the end-to-end run and the enables over shards, printing every measure and charting each table', async () => {
  // --expose-gc as the bench is meant to run: without it the heap rows are noise (negative at this size).
  await withBenchRun({ script: 'users.js', args: ARGS, nodeArgs: ['--expose-gc'] }, check);
});

function check(stdout: string): void {
  assert.match(stdout, /^# command: node --expose-gc dist\/bench\/users\.js --users 600 --pushes 100 --window 100 --scaling 1 --scaling-pushes 200 --scaling-rounds 1 --results \S+$/m);
  assert.match(stdout, /^\| +acknowledged enables\/s \| +\d+ \| +900 enables of 600 users in [\d.]+ s, 100 in flight \|$/m);
  assert.ok(value(stdout, 'CPU per acknowledged enable (µs)') > 0);
  const perCommit = value(stdout, 'enables per synced commit');
  const commits = Number(/(\d+) LMDB commits/.exec(stdout)?.[1]);
  assert.ok(commits > 0 && commits < 900, `${commits} commits for 900 enables`);
  assert.equal(perCommit, Math.round(900 / commits));
  for (const measure of ['heap per idle user (B, after GC)', 'LMDB bytes per user', 'messages pushed/s (random users)', 'start on the full store → first answer (ms)']) {
    value(stdout, measure);
  }
  // The thread-scaling table of the end-to-end run: one row per shard count asked for.
  assert.match(stdout, /^# thread scaling: 1 paired rounds of 200 pushes per shard count, medians$/m);
  assert.match(stdout, /^\| +1 \| +\d+ \| +\d+ \| +\d+\.\d\d \| +\d+\.\d \| +\d+\.\d \|$/m);
  // Every enable (all 900) acknowledged through a ShardedHerald of one shard, its rate printed.
  assert.match(stdout, /^# acknowledged enables through ShardedHerald: 900 enables, 100 in flight, a new store per shard count$/m);
  assert.match(stdout, /^\| +1 \| +\d+ \| +\d+\.\d \|$/m);

  const measures = chartOf(stdout, 'users-measures');
  assert.deepEqual(measures.series, ['600 users']);
  for (const measure of ['acknowledged enables/s', 'LMDB bytes per user', 'messages pushed/s (random users)', 'start on the full store → first answer (ms)']) {
    assert.ok(texts(measures.root).includes(measure), `a bar for ${measure}`);
  }
  assert.deepEqual(chartOf(stdout, 'users-scaling').series, ['Herald (publish IQ → APNS 200)', 'bare node:http2 loop']);
  const sharded = chartOf(stdout, 'users-sharded-enables');
  assert.deepEqual(sharded.series, ['ShardedHerald']);
  assert.ok(texts(sharded.root).includes('1 shards'), 'a bar per shard count');
}
