/**
 * Runs the several-instances benchmark at a toy size, so that a change to `herald start`, the
 * PostgreSQL store, the HAProxy harness, the REST API or the component link that breaks it fails
 * `npm test` instead of the next benchmark run. Checks that it finishes and prints its result
 * lines; never the figures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chartOf } from './svg-document.js';

const run = promisify(execFile);
/** A hung benchmark fails the test instead of the suite; this run takes about 50 s. */
const BENCH_TIMEOUT_MS = 240_000;
const SCRIPT = fileURLToPath(new URL('../../bench/instances.js', import.meta.url));
const TARGETS = ['1 instance on LMDB', '1 instance on PostgreSQL', '2 instances on PostgreSQL behind HAProxy'];
/** Each load's table heading, and its ratio line's name. */
const LOADS = [
  { heading: 'REST pushes', kind: 'rest', extraColumn: ' +\\d+ \\|' },
  { heading: 'component pushes', kind: 'publish', extraColumn: '' },
  { heading: 'enables', kind: 'enable', extraColumn: '' },
];

test('the several-instances benchmark loads 1 Herald on LMDB, 1 on PostgreSQL and 2 on PostgreSQL and reports REST pushes, component pushes and enables per second, p99 and CPU of each, PostgreSQL server apart, and charts each load', async () => {
  const results = mkdtempSync(join(tmpdir(), 'herald-instances-results-'));
  const args = ['--duration', '1', '--rounds', '1', '--warmup', '0', '--connections', '10', '--window', '10', '--nodes', '10', '--results', results];
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [SCRIPT, ...args], { timeout: BENCH_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 }));
    for (const load of LOADS) assert.deepEqual(chartOf(stdout, `instances-${load.kind}`).series, TARGETS, `a bar series per target for ${load.kind}`);
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
  assert.match(stdout, /^# command: node dist\/bench\/instances\.js --duration 1 --rounds 1 --warmup 0 --connections 10 --window 10 --nodes 10 --results \S+$/m);
  assert.match(stdout, /; HAProxy version \d+\.\d+/m);
  const sections = stdout.split(/^## /m).slice(1);
  assert.equal(sections.length, LOADS.length, `a table per load in\n${stdout}`);
  LOADS.forEach((load, i) => {
    const section = sections[i]!;
    assert.ok(section.startsWith(load.heading), `${load.heading} is table ${i + 1} in\n${stdout}`);
    for (const target of TARGETS) {
      const row = new RegExp(`^\\| +1 \\| +${target} \\| +(\\d+) \\| +\\d+\\.\\d \\| +\\d+\\.\\d \\| +(\\d+) \\| +(\\d+) \\|${load.extraColumn}$`, 'm').exec(section);
      assert.ok(row, `a ${load.kind} row for ${target} in\n${section}`);
      assert.ok(Number(row[1]) > 0, `${target} answered ${load.kind} operations`);
      assert.ok(Number(row[2]) > 0, `${target} spent CPU on ${load.kind}`);
      // The PostgreSQL server's CPU: none without it; some for enables, which write to it.
      if (!target.includes('PostgreSQL')) assert.equal(Number(row[3]), 0, `${target} has no PostgreSQL`);
      else if (load.kind === 'enable') assert.ok(Number(row[3]) > 0, `PostgreSQL spent CPU on ${target}'s enables`);
    }
    assert.match(section, new RegExp(`^${load.kind}: 1 on PostgreSQL / 1 on LMDB \\d+\\.\\d\\d; 2 on PostgreSQL / 1 on PostgreSQL \\d+\\.\\d\\d `, 'm'));
  });
});
