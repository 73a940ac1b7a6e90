/**
 * Micro-benchmarks of Herald's hot notification path (the cases live in bench/micro/).
 *
 *   npx tsc -p . && node dist/bench/micro.js [--quick] [--results DIR]
 *
 * Default: ~1 s per case after a 250 ms warm-up (whole run < 60 s). `--quick`: a short smoke run
 * for CI whose numbers are only indicative. Every case is checked with node:assert before it is
 * timed; a wrong result stops the run with exit code 1.
 *
 * After the table, a chart of each case's mean and p99 µs per call (a panel per suite, each on its
 * own scale) is written to `--results` (default results/ under the current directory), named by
 * `# chart:`.
 */
import { relative } from 'node:path';
import { parseArgs as parseFlags } from 'node:util';
import { BENCH_SCALE, SUITES } from './micro/index.js';
import { header, table } from './micro/report.js';
import { lastResult, timeCases, type ResultRow, type TimingOptions } from './micro/timing.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { barsChart, type BarPanel } from './shared/svg-bars.js';

const DEFAULT_TIMING: TimingOptions = { timeMs: 1_000, warmupMs: 250 };
/** Enough to show every case runs (CI smoke); too short and too noisy for numbers worth quoting. */
const QUICK_TIMING: TimingOptions = { timeMs: 100, warmupMs: 100 };
const USAGE = 'usage: node dist/bench/micro.js [--quick] [--results DIR]';

function parseArgs(args: string[]): { quick: boolean; results: string } | undefined {
  try {
    const { values } = parseFlags({ args, options: { quick: { type: 'boolean', default: false }, ...RESULTS_OPTION } });
    return { quick: values.quick, results: values.results };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const parsed = parseArgs(args);
  if (!parsed) {
    console.error(`unknown argument(s) in: ${args.join(' ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { quick, results } = parsed;
  const timing = quick ? QUICK_TIMING : DEFAULT_TIMING;
  const script = relative(process.cwd(), process.argv[1] ?? 'dist/bench/micro.js') || 'dist/bench/micro.js';
  const date = new Date();
  const started = performance.now();

  const rows: ResultRow[] = [];
  const panels: BarPanel[] = [];
  for (const suite of SUITES) {
    const opened = await suite.open(BENCH_SCALE);
    try {
      for (const c of opened.cases) await c.check();
      const timed = await timeCases(opened.cases, timing);
      rows.push(...timed);
      panels.push({ unit: `${suite.name}, µs per call`, rows: timed.map((r) => ({ label: r.name, values: [r.meanUs, r.p99Us] })) });
    } finally {
      await opened.close();
    }
  }
  if (lastResult() === undefined) throw new Error('no timed call produced a result');

  const mode = `${quick ? '--quick: ' : ''}${timing.timeMs} ms per case after ${timing.warmupMs} ms warm-up`;
  console.log(header({ command: ['node', script, ...args].join(' '), mode, date }));
  console.log(`- data: ${BENCH_SCALE.users.toLocaleString('en')} users with 1–3 registrations in LMDB (temp dir), ${BENCH_SCALE.actors.toLocaleString('en')} live actors`);
  console.log(`- wall time: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(table(rows));
  writeChart(results, 'micro', barsChart({ title: `Herald micro-benchmarks (${mode})`, series: ['mean', 'p99'], panels }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
