/**
 * REST throughput (issues 3 and 9): autocannon against Herald's `POST /v3/notification/{token}`
 * (HTTPS, self-signed; APNS behind it, served in its own process by the APNS benchmark server (or,
 * --server simulator, the accept-all simulator)); against the bare relay, the fair ceiling (the
 * same TLS, HTTP/1.1 and HTTP/2 exchange with the same APNS server, none of the checks:
 * rest/bare-relay-main.ts); and against a bare node:http JSON endpoint and a bare node:https one
 * (no APNS behind them). Same request, connections and duration for all, in paired rounds of one
 * run: each round runs every target once, in an order rotated from round to round. Reports req/s,
 * p50, p99, non-2xx (429s apart), CPU per request of each server and of the APNS server, and
 * Herald's ratio to each reference (median of the per-round ratios).
 *
 *   npm run build && node dist/bench/rest.js [--duration 10] [--connections 50] [--rounds 4]
 *       [--warmup 3] [--sender-threads 2] [--baseline OTHER/dist/bench/rest/herald-rest-main.js]
 *       [--results DIR]
 *   node dist/bench/rest.js --profile DIR [--duration 10] [--warmup 3] [--baseline …]
 *
 * --baseline runs another build of Herald as one more target (before/after in the same rounds);
 * --profile profiles Herald (and the baseline) and the relay instead, one at a time, and prints
 * where a request's CPU goes (rest/profile-run.ts; bench/rest-profile.js reprints it).
 *
 * After the table, a chart of each target's req/s per round (and the medians) is written to
 * `--results` (default results/ under the current directory), named by `# chart:`.
 *
 * Each server runs in its own process and autocannon in this one, so no two share an event loop.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config/load.js';
import { spawnApnsBenchmarkServerProcess } from '../src/simulators/apns-benchmark/process.js';
import { spawnApnsSimulatorProcess } from '../src/simulators/apns/process.js';
import { median, table } from './e2e/report.js';
import { runLoad, type LoadSummary } from './rest/load.js';
import { processCpuMs } from './sender/process-cpu.js';
import { BODY, PATH } from './rest/notification-request.js';
import { startReadyChild, type ReadyChild } from './rest/ready-child.js';
import { profileTargets } from './rest/profile-run.js';
import { breakdownTable, readProfileFolder } from './rest/profile-breakdown.js';
import { LOAD_OPTIONS, loadFlags, loadFlagsLine } from './shared/load-flags.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { roundCategories, roundsChart } from './shared/svg-chart.js';

/** For the header line when --sender-threads is not given: what Herald then uses. */
const DEFAULT_SENDER_THREADS = validateConfig({}).apns.sender_threads;

/** Herald's APNS pool in the benchmark (config defaults): the relay opens as many sessions and streams. */
const APNS_DEFAULTS = validateConfig({}).apns;

type Target = 'herald' | 'baseline' | 'relay' | 'http' | 'https';
const LABELS: Record<Target, string> = {
  herald: 'Herald REST v3 (https)',
  baseline: 'Herald, --baseline build',
  relay: 'bare relay (https → http2)',
  http: 'bare node:http',
  https: 'bare node:https',
};
/** Targets whose requests go on to the APNS server. */
const RELAYING: ReadonlySet<Target> = new Set(['herald', 'baseline', 'relay']);

const { values } = parseArgs({
  options: {
    ...LOAD_OPTIONS,
    ...RESULTS_OPTION,
    'sender-threads': { type: 'string', default: '' },
    /** APNS behind Herald: `benchmark` (the lean benchmark server) or `simulator` (accept-all). */
    server: { type: 'string', default: 'benchmark' },
    /** Profile Herald and the relay instead (rest/profile-run.ts): profiles and breakdowns go to this folder. */
    profile: { type: 'string' },
    /**
     * Another build's dist/bench/rest/herald-rest-main.js (e.g. before a change), run as one more
     * target in the same rounds (or profiled beside Herald): before/after in one run.
     */
    baseline: { type: 'string' },
  },
});
if (values.server !== 'benchmark' && values.server !== 'simulator') {
  throw new Error(`--server must be benchmark or simulator, not ${values.server}`);
}
const flags = loadFlags(values);
const { durationS, connections, rounds, warmupS } = flags;
const TARGETS: Target[] = values.baseline === undefined ? ['herald', 'relay', 'http', 'https'] : ['herald', 'baseline', 'relay', 'http', 'https'];
/** Round r runs the targets rotated by r - 1: each target runs in each position once per TARGETS.length rounds. */
const orderOf = (round: number): Target[] => TARGETS.map((_, i) => TARGETS[(i + round - 1) % TARGETS.length]!);

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`# REST throughput: autocannon vs Herald REST v3 and the bare relay (APNS behind both), and bare node:http(s) — ${new Date().toISOString()}`);
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: node dist/bench/rest.js ${process.argv.slice(2).join(' ')}`);
  console.log(
    `# ${loadFlagsLine(flags)} ` +
      `--sender-threads ${values['sender-threads'] || `${DEFAULT_SENDER_THREADS} (Herald's default)`}; HTTP/1.1, pipelining off`,
  );
  console.log(`# POST ${PATH} ${BODY}`);
  console.log(
    `# APNS behind Herald and the relay: ${values.server === 'benchmark' ? 'the APNS benchmark server (src/simulators/apns-benchmark)' : 'the APNS simulator, accept-all'}, own process; ` +
      `the relay: ${APNS_DEFAULTS.connections} HTTP/2 connections × ${APNS_DEFAULTS.max_in_flight} streams, as Herald's pool; ` +
      'Herald, relay, node:http and node:https servers: one process each; autocannon: this process',
  );

  const sim = values.server === 'benchmark' ? await spawnApnsBenchmarkServerProcess() : await spawnApnsSimulatorProcess(['--accept-all']);
  const children: ReadyChild[] = [];
  try {
    const threads = values['sender-threads'] ? ['--sender-threads', values['sender-threads']] : [];
    // Each child is kept as soon as it is up, so that one failing to start stops the others too.
    const started = (c: ReadyChild) => (children.push(c), c);
    const apns = ['--apns-url', sim.url, '--ca-file', sim.caFile];
    const pool = ['--connections', String(APNS_DEFAULTS.connections), '--streams', String(APNS_DEFAULTS.max_in_flight)];
    if (values.profile !== undefined) {
      const targets = [
        { name: 'herald', script: './herald-rest-main.js', args: [...apns, ...threads] },
        ...(values.baseline === undefined ? [] : [{ name: 'baseline', script: values.baseline, args: [...apns, ...threads] }]),
        { name: 'relay', script: './bare-relay-main.js', args: [...apns, ...pool] },
      ];
      const folders = await profileTargets(targets, { dir: values.profile, connections, durationS, rounds, warmupS, apnsPid: sim.child.pid });
      console.log(breakdownTable(folders.map((f) => readProfileFolder(f))));
      return;
    }
    const scripts: Record<Target, [string, string[]]> = {
      herald: ['./herald-rest-main.js', [...apns, ...threads]],
      baseline: [values.baseline ?? '', [...apns, ...threads]],
      relay: ['./bare-relay-main.js', [...apns, ...pool]],
      http: ['./bare-server-main.js', ['http']],
      https: ['./bare-server-main.js', ['https']],
    };
    const servers = {} as Record<Target, ReadyChild>;
    await Promise.all(TARGETS.map((t) => startReadyChild(...scripts[t]).then((c) => (servers[t] = started(c)))));
    const urls = {} as Record<Target, string>;
    for (const t of TARGETS) urls[t] = servers[t].url;

    if (warmupS > 0) {
      // JIT, TLS sessions, Herald's APNS connections; checked like a measured run, not reported.
      for (const t of TARGETS) check(t, 'warm-up', await runLoad({ url: urls[t], connections, durationS: warmupS }));
    }

    const runs: Array<Record<Target, Measured>> = [];
    const rows: string[][] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = orderOf(round);
      const got = {} as Record<Target, Measured>;
      for (const t of order) {
        const pids = [servers[t].child.pid, sim.child.pid];
        const before = pids.map(processCpuMs);
        const own = process.cpuUsage();
        const load = await runLoad({ url: urls[t], connections, durationS });
        const ownUs = process.cpuUsage(own);
        const after = pids.map(processCpuMs);
        const answered = Object.values(load.statuses).reduce((a, b) => a + b, 0);
        const perRequest = (i: number) => ((after[i]! - before[i]!) * 1000) / answered;
        got[t] = { ...load, serverCpuUs: perRequest(0), simCpuUs: perRequest(1), loaderCpuUs: (ownUs.user + ownUs.system) / answered };
        check(t, `round ${round}`, got[t]);
        process.stderr.write(`  round ${round} ${LABELS[t]}: ${got[t].reqPerSec.toFixed(0)} req/s\n`);
      }
      runs.push(got);
      for (const t of TARGETS) rows.push(row(String(round), t, got[t]));
    }

    const vsRelay = median(runs.map((r) => r.herald.reqPerSec / r.relay.reqPerSec));
    const vsHttp = median(runs.map((r) => r.herald.reqPerSec / r.http.reqPerSec));
    const vsHttps = median(runs.map((r) => r.herald.reqPerSec / r.https.reqPerSec));
    for (const t of TARGETS) {
      const m = (f: (s: Measured) => number) => median(runs.map((r) => f(r[t])));
      rows.push(
        row('median', t, {
          reqPerSec: m((s) => s.reqPerSec),
          p50Ms: m((s) => s.p50Ms),
          p99Ms: m((s) => s.p99Ms),
          non2xx: m((s) => s.non2xx),
          tooMany: m((s) => s.tooMany),
          errors: m((s) => s.errors),
          statuses: {},
          serverCpuUs: m((s) => s.serverCpuUs),
          simCpuUs: m((s) => s.simCpuUs),
          loaderCpuUs: m((s) => s.loaderCpuUs),
        }),
      );
    }
    console.log(
      table(
        ['round', 'target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'of which 429', 'errors', 'server CPU µs/req', 'APNS server CPU µs/req', 'autocannon CPU µs/req'],
        rows,
      ),
    );
    writeChart(
      values.results!,
      'rest',
      roundsChart({
        title: `REST throughput, autocannon, ${connections} connections × ${durationS} s per run`,
        unit: 'requests/s',
        categories: roundCategories(runs.length),
        series: TARGETS.map((t) => ({ name: LABELS[t], values: [...runs.map((r) => r[t].reqPerSec), median(runs.map((r) => r[t].reqPerSec))] })),
      }),
    );
    const cpu = (t: Target) => median(runs.map((r) => r[t].serverCpuUs)).toFixed(0);
    if (values.baseline !== undefined) {
      const vsBaseline = median(runs.map((r) => r.herald.reqPerSec / r.baseline.reqPerSec));
      const cpuVsBaseline = median(runs.map((r) => r.herald.serverCpuUs / r.baseline.serverCpuUs));
      console.log(
        `Herald / --baseline build: median of the per-round req/s ratios ${vsBaseline.toFixed(2)}, ` +
          `of the server CPU per request ${cpuVsBaseline.toFixed(2)}; --baseline build / bare relay ${median(runs.map((r) => r.baseline.reqPerSec / r.relay.reqPerSec)).toFixed(2)}`,
      );
    }
    console.log(
      `Herald / bare relay: median of the per-round req/s ratios ${vsRelay.toFixed(2)} (target ≥ 0.9: ${vsRelay >= 0.9 ? 'met' : 'not met'}); ` +
        `server CPU µs/req ${cpu('herald')} / ${cpu('relay')}`,
    );
    console.log(`Herald / bare node:http: median of the per-round req/s ratios ${vsHttp.toFixed(2)}`);
    console.log(`Herald / bare node:https: median of the per-round req/s ratios ${vsHttps.toFixed(2)}`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await sim.stop();
  }
}

/** One run: autocannon's figures and the CPU each process spent per answered request (NaN without /proc). */
interface Measured extends LoadSummary {
  serverCpuUs: number;
  simCpuUs: number;
  loaderCpuUs: number;
}

function row(round: string, t: Target, s: Measured): string[] {
  return [
    round,
    LABELS[t],
    s.reqPerSec.toFixed(0),
    s.p50Ms.toFixed(1),
    s.p99Ms.toFixed(1),
    String(s.non2xx),
    String(s.tooMany),
    String(s.errors),
    s.serverCpuUs.toFixed(0),
    RELAYING.has(t) ? s.simCpuUs.toFixed(0) : '–',
    s.loaderCpuUs.toFixed(0),
  ];
}

/**
 * A run that measured failures measured the wrong thing. Herald may answer 429 when its senders
 * are full (backpressure, reported apart); any other non-2xx, or any connection error, stops the
 * benchmark, and so does a run with no answer at all.
 */
function check(t: Target, when: string, s: LoadSummary): void {
  const total = Object.values(s.statuses).reduce((a, b) => a + b, 0);
  const allowed = t === 'herald' ? s.tooMany : 0;
  if (total === 0 || s.non2xx > allowed || s.errors > 0) {
    throw new Error(`${when}: ${LABELS[t]} answered ${JSON.stringify(s.statuses)} with ${s.errors} connection errors`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
