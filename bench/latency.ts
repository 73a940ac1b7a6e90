/**
 * Latency as users feel it (issue 9): an open-loop, constant-rate load generator against Herald's
 * REST path and its component path, each Herald in its own process with the APNS benchmark server
 * (own process) behind it. For each path, in one run: the maximum throughput (closed loop), then
 * open-loop runs at 25 / 50 / 75 % of it — requests leave on a schedule, latency runs from the
 * *scheduled* send time (queueing is not hidden), into HDR histograms. Each open-loop run is
 * paired with one of a bare node:http2 client on the APNS benchmark server alone at the same
 * rate (order alternating by round), so the table shows what is Herald's and what is the
 * network's and the server's. Target: p99 ≤ 2 ms at 50 % of the maximum, both paths.
 *
 *   npm run build && node dist/bench/latency.js [--seconds 10] [--paths rest,component]
 *       [--rates 25,50,75] [--rounds 2] [--warmup 2] [--connections 50] [--max-connections 100]
 *       [--window 250] [--nodes 1000] [--max <requests/s>] [--results DIR]
 *
 * After the table, one chart per path (p50 and p99 vs offered load, Herald and APNS alone) is
 * written to `--results` (default results/ under the current directory), named by `# chart:`.
 *
 * `--max` takes the maximum as given instead of measuring it (the same rates for both sides of an
 * A/B on a shared machine, where the measured maximum swings with the other users' load).
 *
 * With HERALD_LATENCY_TRACE=<dir> set, the bench and Herald mark each publish's stages
 * (src/core/latency-trace.ts); `node dist/bench/latency/trace-report.js <dir>` breaks the
 * component path's latency down by stage.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config/load.js';
import { mark } from '../src/core/latency-trace.js';
import { spawnApnsBenchmarkServerProcess } from '../src/simulators/apns-benchmark/process.js';
import { table } from './e2e/report.js';
import { BareApnsTarget } from './latency/apns-target.js';
import { LatencyCurves } from './latency/chart.js';
import { clockFrom } from './latency/clock.js';
import { runClosedLoop, type ClosedLoopResult } from './latency/closed-loop.js';
import { startPath, type HeraldPath, type PathName, type PathSettings } from './latency/herald-paths.js';
import { Metronome } from './latency/metronome.js';
import { runOpenLoop } from './latency/open-loop.js';
import { describeFailures, HEADER, maxRow, rateRow, TARGET_LOAD_PERCENT, verdict } from './latency/report.js';
import { cpuMeter, Tally } from './latency/tally.js';
import type { Target } from './latency/target.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';

/** Herald's APNS connections and streams per connection at their defaults; the bare client uses as many. */
const { connections: APNS_CONNECTIONS, max_in_flight: APNS_MAX_IN_FLIGHT } = validateConfig({}).apns;
/** Requests the bare client keeps in flight while warming up (JIT, TLS, stream windows). */
const BARE_WARMUP_OUTSTANDING = 100;
/**
 * REST connections the open loop may open: below Herald's rest.max_connections_per_client (128),
 * which would close the excess at accept. At 75 % of ~8 000/s and a few ms each, ~40 are busy.
 */
const DEFAULT_MAX_CONNECTIONS = 100;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    paths: { type: 'string', default: 'rest,component' },
    rates: { type: 'string', default: '25,50,75' },
    rounds: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    'max-connections': { type: 'string', default: String(DEFAULT_MAX_CONNECTIONS) },
    window: { type: 'string', default: '250' },
    nodes: { type: 'string', default: '1000' },
    max: { type: 'string' },
    ...RESULTS_OPTION,
  },
});
const seconds = number('--seconds', values.seconds, 0.1);
const rounds = integer('--rounds', values.rounds, 1);
const warmupS = number('--warmup', values.warmup, 0);
const paths = values.paths!.split(',').map((p) => {
  if (p !== 'rest' && p !== 'component') throw new Error(`--paths takes rest and/or component, not ${p}`);
  return p as PathName;
});
const givenMax = values.max === undefined ? undefined : number('--max', values.max, 1);
const rates = values.rates!.split(',').map((r) => number('--rates', r, 0.1, 100));
if (!rates.includes(TARGET_LOAD_PERCENT)) process.stderr.write(`note: --rates leaves out ${TARGET_LOAD_PERCENT}, so no target verdict\n`);
const settings = {
  connections: integer('--connections', values.connections, 1),
  maxConnections: integer('--max-connections', values['max-connections'], 1),
  window: integer('--window', values.window, 1),
  nodes: integer('--nodes', values.nodes, 1),
};

function number(flag: string, value: string | undefined, min: number, max = Infinity): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${flag} needs numbers from ${min} to ${max}, got ${value}`);
  return n;
}

function integer(flag: string, value: string | undefined, min: number): number {
  const n = number(flag, value, min);
  if (!Number.isInteger(n)) throw new Error(`${flag} needs an integer, got ${value}`);
  return n;
}

const base = process.hrtime.bigint();
const clock = clockFrom(base);

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`# Herald latency, open loop — ${new Date().toISOString()}`);
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`# command: node dist/bench/latency.js ${process.argv.slice(2).join(' ')}`);
  console.log(
    `# --seconds ${seconds} --paths ${paths.join(',')} --rates ${rates.join(',')} --rounds ${rounds} --warmup ${warmupS} ` +
      `--connections ${settings.connections} --max-connections ${settings.maxConnections} --window ${settings.window} --nodes ${settings.nodes}${givenMax === undefined ? '' : ` --max ${givenMax}`}`,
  );
  console.log(
    '# latency = scheduled send time → answer (open loop: the i-th request is due at t0 + i/R whatever came back); ' +
      `max = closed loop, send → answer. Processes: Herald (one per path), the APNS benchmark server, this generator. ` +
      `"client of APNS alone" = a bare node:http2 client, ${APNS_CONNECTIONS} connections × ${APNS_MAX_IN_FLIGHT} streams (Herald's defaults), same rate.`,
  );

  const metronome = await Metronome.start(base);
  const sim = await spawnApnsBenchmarkServerProcess();
  let bare: BareApnsTarget | undefined;
  const rows: string[][] = [];
  const verdicts: string[] = [];
  const notes: string[] = [];
  const curves = new LatencyCurves();
  try {
    bare = await BareApnsTarget.connect(sim.url, sim.ca, APNS_CONNECTIONS, APNS_MAX_IN_FLIGHT);
    if (warmupS > 0) check('APNS alone, warm-up', await closedLoop(bare, BARE_WARMUP_OUTSTANDING, warmupS, 'APNS alone warm-up'));
    for (const name of paths) {
      const path = await startPath(name, { sim, ...settings } satisfies PathSettings);
      try {
        await measurePath(name, path, bare, metronome, rows, verdicts, notes, curves);
        notes.push(`${name}: ${path.describe()}`);
      } finally {
        await path.stop();
      }
    }
  } finally {
    bare?.close();
    await metronome.close();
    await sim.stop();
  }
  console.log(table(HEADER, rows));
  for (const chart of curves.charts()) writeChart(values.results!, chart.name, chart.svg);
  if (bare) notes.push(`APNS alone: ${bare.waitedForStream} requests waited for a stream (${APNS_CONNECTIONS} × ${APNS_MAX_IN_FLIGHT} in flight at most)`);
  for (const n of notes) console.log(n);
  for (const v of verdicts) console.log(v);
}

async function measurePath(
  name: PathName,
  path: HeraldPath,
  bare: BareApnsTarget,
  metronome: Metronome,
  rows: string[][],
  verdicts: string[],
  notes: string[],
  curves: LatencyCurves,
): Promise<void> {
  const outstanding = path.closedLoopOutstanding;
  const how = name === 'rest' ? `closed loop, ${outstanding} connections` : `closed loop, ${outstanding} in flight`;
  if (warmupS > 0) check(`${name} warm-up`, await closedLoop(path.target, outstanding, warmupS, `${name} warm-up`));
  const maxPerS = givenMax ?? (await measureMax(name, path.target, outstanding, how, path.pid, rows));

  for (const percent of rates) {
    const ratePerS = (maxPerS * percent) / 100;
    const tallies = { herald: new Tally(), bare: new Tally() };
    const contestants: Array<{ key: 'herald' | 'bare'; label: string; target: Target; pid: number | undefined }> = [
      { key: 'herald', label: path.label, target: path.target, pid: path.pid },
      { key: 'bare', label: 'APNS alone', target: bare, pid: undefined },
    ];
    for (let round = 1; round <= rounds; round++) {
      // Paired rounds, order alternating, so that drift on a shared machine hits both alike.
      const order = round % 2 === 1 ? contestants : [...contestants].reverse();
      for (const c of order) {
        const what = `${name} ${percent} % (${ratePerS.toFixed(0)}/s) ${c.label}, round ${round}`;
        const meter = cpuMeter(c.pid);
        mark('bench.phase.start', what); // with HERALD_LATENCY_TRACE: trace-report.ts's runs
        const r = await runOpenLoop({
          target: c.target,
          metronome,
          clock,
          ratePerS,
          seconds,
          onProgress: (p) =>
            process.stderr.write(
              `  ${what}: ${p.elapsedS.toFixed(0)} s, ${p.sent}/${p.scheduled} sent, ${p.answered} answered, send lag p99 ${p.lagP99Ms.toFixed(2)} ms\n`,
            ),
        });
        mark('bench.phase.end', what);
        tallies[c.key].add(r, meter());
        const failed = Object.keys(r.failures).length > 0 || r.lost > 0;
        process.stderr.write(`  ${what}: done, ${r.ok}/${r.scheduled} answered OK${failed ? `; failures: ${describeFailures(r.failures)}, lost ${r.lost}` : ''}\n`);
      }
    }
    rows.push(rateRow(name, percent, path.label, ratePerS, tallies.herald, true));
    rows.push(rateRow(name, percent, 'APNS alone', ratePerS, tallies.bare, false));
    curves.add(name, path.label, ratePerS, tallies.herald);
    curves.add(name, 'APNS alone', ratePerS, tallies.bare);
    for (const c of contestants) {
      const t = tallies[c.key];
      if (t.failed > 0) notes.push(`${name} ${percent} % ${c.label}: failed ${describeFailures(t.failures)}`);
    }
    if (percent === TARGET_LOAD_PERCENT) verdicts.push(verdict(name, ratePerS, tallies.herald, tallies.bare));
  }
}

/** The closed-loop maximum, with its row in the table. */
async function measureMax(name: PathName, target: Target, outstanding: number, how: string, pid: number | undefined, rows: string[][]): Promise<number> {
  const cpu = cpuMeter(pid);
  const max = await closedLoop(target, outstanding, seconds, `${name} max`);
  const spent = cpu();
  check(`${name} max`, max);
  const answered = max.ok + Object.values(max.failures).reduce((a, b) => a + b, 0);
  rows.push(maxRow(name, how, max.okPerS, max.latency, (spent.serverMs * 1000) / answered, (spent.generatorMs * 1000) / answered, `0 / ${max.lost}`));
  process.stderr.write(`${name}: maximum ${max.okPerS.toFixed(0)}/s (${how})\n`);
  return max.okPerS;
}

function closedLoop(target: Target, outstanding: number, s: number, what: string): Promise<ClosedLoopResult> {
  return runClosedLoop({
    target,
    clock,
    outstanding,
    seconds: s,
    onProgress: (elapsedS, ok) => process.stderr.write(`  ${what}: ${elapsedS.toFixed(0)} s, ${ok} answered (${(ok / elapsedS).toFixed(0)}/s)\n`),
  });
}

/** The maximum and the warm-ups must be all successes: a run that measured failures measured the wrong thing. */
function check(what: string, r: ClosedLoopResult): void {
  if (r.ok === 0 || r.lost > 0 || Object.keys(r.failures).length > 0) {
    throw new Error(`${what}: ${r.ok} OK, failures: ${describeFailures(r.failures)}, lost ${r.lost}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
