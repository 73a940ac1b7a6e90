/**
 * Runs the correctness check of every micro-benchmark case without timing it, on small data, so
 * a broken hot path (wrong parse, wrong payload, lost registration, misrouted actor message)
 * fails `npm test` and not only the benchmark run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SUITES, type MicroCase, type MicroScale } from '../../bench/micro/index.js';
import { table } from '../../bench/micro/report.js';
import { timeCases } from '../../bench/micro/timing.js';
import { withBenchRun } from './run-bench.js';
import { chartOf, texts } from './svg-document.js';

/** Small enough to stay well under a second, large enough for two actor shards. */
const SMOKE_SCALE: MicroScale = { actors: 1_500, users: 1_000 };

describe('micro-benchmark cases', () => {
  for (const suite of SUITES) {
    it(`${suite.name}: every case gives the right result`, async () => {
      const opened = await suite.open(SMOKE_SCALE);
      try {
        assert.ok(opened.cases.length > 0);
        for (const c of opened.cases) {
          await c.check();
          // The timed call itself must run too (a throw here would abort the benchmark).
          const result = await c.run();
          assert.notEqual(result, undefined, `${c.name} produced nothing`);
        }
      } finally {
        await opened.close();
      }
    });
  }
});

describe('micro-benchmark timing', () => {
  it('reports per-call statistics for single and batched cases and prints them as a table', async () => {
    let calls = 0;
    // About a microsecond of work: well above the timer's grain, so no sample is clamped to 0.
    const work = () => {
      calls++;
      let x = 0;
      for (let i = 0; i < 300; i++) x += Math.sqrt(i + calls);
      return x;
    };
    const single: MicroCase = { name: 'single', async: false, check() {}, run: work };
    const batched: MicroCase = { name: 'batched', async: false, batch: 10, check() {}, run: work };
    const rows = await timeCases([single, batched], { timeMs: 20, warmupMs: 5 });
    assert.deepEqual(rows.map((r) => r.name), ['single', 'batched']);
    for (const row of rows) {
      assert.ok(row.samples >= 64, `${row.name}: tinybench's minimum of 64 samples`);
      assert.ok(row.meanUs > 0 && Number.isFinite(row.meanUs), `${row.name}: mean ${row.meanUs}`);
      assert.ok(row.p99Us >= 0 && Number.isFinite(row.p99Us), `${row.name}: p99 ${row.p99Us}`);
      assert.ok(Math.abs(row.opsPerSecond * row.meanUs - 1e6) < 1, 'ops/s is the rate of the mean');
    }
    assert.ok(calls >= rows[0]!.samples + 10 * rows[1]!.samples, 'each batched sample made 10 calls');
    const printed = table(rows);
    assert.match(printed, /^\| task +\| +ops\/s \| mean µs \|/);
    assert.match(printed, /\| batched ¹ +\|/);
  });

  it('stops with the case name when a timed call throws', async () => {
    const broken: MicroCase = {
      name: 'broken',
      async: false,
      check() {},
      run: () => {
        throw new Error('hot path broke');
      },
    };
    await assert.rejects(timeCases([broken], { timeMs: 5, warmupMs: 0 }), /hot path broke/);
  });
});

describe('the micro-benchmark run', () => {
  it('with --quick times every case, prints the table and charts each case’s mean and p99 per suite', async () => {
    await withBenchRun({ script: 'micro.js', args: ['--quick'] }, (stdout) => {
      assert.match(stdout, /^\| task +\| +ops\/s \| mean µs \|/m);
      const chart = chartOf(stdout, 'micro');
      assert.deepEqual(chart.series, ['mean', 'p99']);
      const words = texts(chart.root);
      for (const suite of SUITES) assert.ok(words.some((w) => w.startsWith(`${suite.name}, µs per call (axis 0 – `)), `a panel for ${suite.name}`);
      for (const task of ['build XEP-0357 summary', 'JWT: fresh ES256 signature']) assert.ok(words.includes(task), `a bar for ${task}`);
    });
  });
});
