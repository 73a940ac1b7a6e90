/**
 * Micro-benchmarks of Herald's hot notification path (the cases live in bench/micro/).
 *
 *   npx tsc -p . && node dist/bench/micro.js [--quick]
 *
 * Default: ~1 s per case after a 250 ms warm-up (whole run < 60 s). `--quick`: a short smoke run
 * for CI whose numbers are only indicative. Every case is checked with node:assert before it is
 * timed; a wrong result stops the run with exit code 1.
 */
import { relative } from 'node:path';
import { BENCH_SCALE, SUITES } from './micro/index.js';
import { header, table } from './micro/report.js';
import { lastResult, timeCases, type ResultRow, type TimingOptions } from './micro/timing.js';

const DEFAULT_TIMING: TimingOptions = { timeMs: 1_000, warmupMs: 250 };
/** Enough to show every case runs (CI smoke); too short and too noisy for numbers worth quoting. */
const QUICK_TIMING: TimingOptions = { timeMs: 100, warmupMs: 100 };
const USAGE = 'usage: node dist/bench/micro.js [--quick]';

function parseArgs(args: readonly string[]): { quick: boolean } | undefined {
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length > 0) return undefined;
  return { quick: args.includes('--quick') };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const parsed = parseArgs(args);
  if (!parsed) {
    console.error(`unknown argument(s) in: ${args.join(' ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { quick } = parsed;
  const timing = quick ? QUICK_TIMING : DEFAULT_TIMING;
  const script = relative(process.cwd(), process.argv[1] ?? 'dist/bench/micro.js') || 'dist/bench/micro.js';
  const date = new Date();
  const started = performance.now();

  const rows: ResultRow[] = [];
  for (const suite of SUITES) {
    const opened = await suite.open(BENCH_SCALE);
    try {
      for (const c of opened.cases) await c.check();
      rows.push(...(await timeCases(opened.cases, timing)));
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
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
