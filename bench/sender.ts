/**
 * APNS sender throughput (issue 3): Herald's APNS sender vs @parse/node-apn vs a bare
 * node:http2 loop, each in its own process, against one APNS server process, in paired rounds
 * of the same N notifications (same payload, device token, topic, alert push). Targets: Herald ≥
 * 1.5 × node-apn and ≥ 0.9 × the bare loop, taken as medians of the per-round ratios.
 *
 *   npm run build && node dist/bench/sender.js [--pushes 40000] [--rounds 6] [--connections 2]
 *       [--in-flight 100] [--window 250] [--sender-threads 2] [--max-streams 1000]
 *       [--server benchmark|simulator] [--cpu-prof-herald DIR] [--results DIR]
 *
 * After the table, a chart of each contestant's pushes/s per round (and their medians) is written
 * to `--results` (default results/ under the current directory), named by `# chart:`.
 *
 * --cpu-prof-herald DIR: V8 CPU profiles of Herald's process (main thread and each sender
 * thread, one .cpuprofile each) are written to DIR when it exits (node --cpu-prof).
 *
 * The server (--server, bench/shared/apns-server.ts):
 * - `benchmark` (default): the APNS benchmark server (src/simulators/apns-benchmark/), like
 *   Pushy's BenchmarkApnsServer. The machine has 2 cores for the server and the client under
 *   test; the APNS simulator on node:http2 spends ≈ 50 µs of CPU per push (HPACK decoding, stream
 *   objects, events), about as much as the clients themselves, so every client was throttled by
 *   the server. The benchmark server speaks HTTP/2 at the frame level, decodes no HPACK and
 *   answers every request 200 for a few µs, so the figures are the clients'. Its one difference
 *   from Apple: its apns-id is its own, not the request's echoed.
 * - `simulator`: the APNS simulator in accept-all mode (reads every body, answers 200, checks
 *   nothing), as in the first runs of this benchmark.
 * Either way every contestant still signs its own ES256 provider token with the same .p8 key and
 * sends it, and nothing checks it. Why not Apple's token checks (the simulator's default): (a)
 * node-apn's MultiProvider mints one token per connection, and the second, minted seconds after
 * the first for the same team+key, is refused 429 TooManyProviderTokenUpdates (Apple's 20-minute
 * rule); (b) node-apn and the bare loop open their streams before the first authenticated
 * request raises the simulator's stream limit from 1, and neither retries the REFUSED_STREAMs
 * that follow — so neither could finish a run with every notification answered 200.
 *
 * CPU per push is measured for each client's whole process (all threads) and for the server
 * process (/proc/PID/stat, 10 ms ticks) around each run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config/load.js';
import { ensureDevApnsKey } from '../src/push-service/apns/dev-key.js';
import { median, table } from './e2e/report.js';
import { ContestantProcess } from './sender/contestant-process.js';
import { processCpuMs } from './sender/process-cpu.js';
import { CONTESTANT_LABELS, type ContestantKind, type RunResult } from './sender/protocol.js';
import { serverKindOf, startBenchServer, type ServerKind } from './shared/apns-server.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { roundCategories, roundsChart } from './shared/svg-chart.js';

/** For the header line when --sender-threads is not given: what Herald then uses. */
const DEFAULT_SENDER_THREADS = validateConfig({}).apns.sender_threads;

/** One contestant's run: pushes/s, its own CPU and the server's, per notification. */
interface Measured {
  rate: number;
  cpuUs: number;
  serverCpuUs: number;
}

const KEY_ID = 'BENCHKEY01';
const TEAM_ID = 'HERALDTEAM';
/** Warm-up batch per contestant, not counted: JIT, TLS sessions, HTTP/2 flow-control windows. */
const WARMUP_PUSHES = 5_000;
/** Issue 3's targets. */
const TARGET_VS_NODE_APN = 1.5;
const TARGET_VS_BARE = 0.9;
/** Every order of the three, one per round in turn: each pair runs both ways equally often. */
const ORDERS: ContestantKind[][] = [
  ['herald', 'node-apn', 'bare'],
  ['bare', 'node-apn', 'herald'],
  ['node-apn', 'herald', 'bare'],
  ['bare', 'herald', 'node-apn'],
  ['node-apn', 'bare', 'herald'],
  ['herald', 'bare', 'node-apn'],
];
const KINDS: ContestantKind[] = ['herald', 'node-apn', 'bare'];

const { values } = parseArgs({
  options: {
    pushes: { type: 'string', default: '40000' },
    rounds: { type: 'string', default: '6' },
    connections: { type: 'string', default: '2' },
    'in-flight': { type: 'string', default: '100' },
    window: { type: 'string', default: '' },
    'sender-threads': { type: 'string', default: '' },
    'max-streams': { type: 'string', default: '1000' },
    server: { type: 'string', default: 'benchmark' },
    'cpu-prof-herald': { type: 'string', default: '' },
    ...RESULTS_OPTION,
  },
});
const pushes = positive('--pushes', values.pushes);
const rounds = positive('--rounds', values.rounds);
const connections = positive('--connections', values.connections);
const inFlight = positive('--in-flight', values['in-flight']);
// Notifications outstanding at once for Herald and node-apn: the bare loop's connections ×
// in-flight plus 25 %, so that neither client's streams wait for the driver to refill them.
const window = values.window ? positive('--window', values.window) : Math.ceil(connections * inFlight * 1.25);
const senderThreads = values['sender-threads'] ? Number(values['sender-threads']) : undefined;
const maxStreams = positive('--max-streams', values['max-streams']);
const serverKind = serverKindOf(values.server);
const SERVER_LABELS: Record<ServerKind, string> = { benchmark: 'the APNS benchmark server', simulator: 'the APNS simulator (accept-all)' };
/** The server's CPU column. */
const SERVER_COLUMNS: Record<ServerKind, string> = { benchmark: 'benchmark server', simulator: 'simulator' };

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(
    `# APNS sender throughput: Herald vs @parse/node-apn vs bare node:http2, on ${SERVER_LABELS[serverKind]} — ${new Date().toISOString()}`,
  );
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: node dist/bench/sender.js ${process.argv.slice(2).join(' ')}`);
  console.log(
    `# --pushes ${pushes} --rounds ${rounds} --connections ${connections} --in-flight ${inFlight} --window ${window} ` +
      `--sender-threads ${senderThreads ?? `${DEFAULT_SENDER_THREADS} (Herald's default)`} --max-streams ${maxStreams} --server ${serverKind}`,
  );
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-sender-'));
  const keyFile = join(dir, 'apns.p8');
  ensureDevApnsKey(keyFile);
  const server = await startBenchServer(serverKind, maxStreams);
  console.log(`# server: ${server.description}`);
  console.log(
    `# clients: ` +
      `each contestant in its own process, ${connections} HTTP/2 connection(s); Herald: apns.connections ${connections}, ` +
      `apns.max_in_flight ${inFlight}; node-apn: ${connections === 1 ? 'Provider' : `MultiProvider clientCount ${connections}`}; ` +
      `Herald and node-apn fed ${window} notifications at once; bare loop: ${connections} × ${inFlight} streams`,
  );

  const heraldProfile = values['cpu-prof-herald'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof-herald']] : [];
  const contestants = KINDS.map((kind) => new ContestantProcess(kind, kind === 'herald' ? heraldProfile : []));
  try {
    await Promise.all(
      contestants.map((c) =>
        c.setup({
          url: server.url,
          caFile: server.caFile,
          keyFile,
          keyId: KEY_ID,
          teamId: TEAM_ID,
          connections,
          inFlightPerConnection: inFlight,
          window,
          senderThreads,
        }),
      ),
    );
    const warm = Math.min(WARMUP_PUSHES, pushes);
    for (const c of contestants) {
      assertAllOk(c.kind, 'warm-up', warm, await c.run(warm, `warm-up ${CONTESTANT_LABELS[c.kind]}`));
    }

    const rows: Array<Record<ContestantKind, Measured>> = [];
    for (let round = 1; round <= rounds; round++) {
      const order = ORDERS[(round - 1) % ORDERS.length]!;
      const got = {} as Record<ContestantKind, Measured>;
      const refusals: string[] = [];
      for (const kind of order) {
        const c = contestants.find((x) => x.kind === kind)!;
        const server0 = processCpuMs(server.pid);
        const r = await c.run(pushes, `round ${round} ${CONTESTANT_LABELS[kind]}`);
        const server1 = processCpuMs(server.pid);
        assertAllOk(kind, `round ${round}`, pushes, r);
        got[kind] = {
          rate: (r.ok / r.ms) * 1000,
          cpuUs: (r.cpuMs * 1000) / r.ok,
          serverCpuUs: server0 === undefined || server1 === undefined ? NaN : ((server1 - server0) * 1000) / r.ok,
        };
        if (r.refusals > 0) refusals.push(`${CONTESTANT_LABELS[kind]} backed off ${r.refusals} times on HERALD_MAILBOX_FULL`);
      }
      rows.push(got);
      console.log(
        `round ${round} (${order.map((k) => CONTESTANT_LABELS[k]).join(' → ')}): ` +
          KINDS.map((k) => `${CONTESTANT_LABELS[k]} ${got[k].rate.toFixed(0)}/s`).join(', ') +
          `; all ${3 * pushes} answered 200${refusals.length ? `; ${refusals.join(', ')}` : ''}`,
      );
    }

    const ratio = (r: Record<ContestantKind, Measured>, other: ContestantKind) => r.herald.rate / r[other].rate;
    const vsNodeApn = median(rows.map((r) => ratio(r, 'node-apn')));
    const vsBare = median(rows.map((r) => ratio(r, 'bare')));
    const med = (k: ContestantKind, f: (m: Measured) => number) => median(rows.map((r) => f(r[k])));
    console.log(
      table(
        ['round', 'Herald /s', '@parse/node-apn /s', 'bare node:http2 /s', 'Herald/node-apn', 'Herald/bare'],
        [
          ...rows.map((r, i) => [
            String(i + 1),
            r.herald.rate.toFixed(0),
            r['node-apn'].rate.toFixed(0),
            r.bare.rate.toFixed(0),
            ratio(r, 'node-apn').toFixed(2),
            ratio(r, 'bare').toFixed(2),
          ]),
          [
            'median',
            med('herald', (m) => m.rate).toFixed(0),
            med('node-apn', (m) => m.rate).toFixed(0),
            med('bare', (m) => m.rate).toFixed(0),
            vsNodeApn.toFixed(2),
            vsBare.toFixed(2),
          ],
        ],
      ),
    );
    writeChart(
      values.results!,
      'sender',
      roundsChart({
        title: `APNS sender throughput, ${pushes} pushes per round, on ${SERVER_LABELS[serverKind]}`,
        unit: 'pushes/s',
        categories: roundCategories(rows.length),
        series: KINDS.map((k) => ({ name: CONTESTANT_LABELS[k], values: [...rows.map((r) => r[k].rate), med(k, (m) => m.rate)] })),
      }),
    );
    // The server's own count, where it keeps one: every notification sent was answered once.
    const answered = await server.answered();
    const sent = KINDS.length * (warm + rounds * pushes);
    if (answered !== undefined && answered !== sent) throw new Error(`the server answered ${answered} requests, the contestants sent ${sent}`);
    console.log(
      `CPU per notification (medians; the client's whole process, all threads, and the ${SERVER_COLUMNS[serverKind]} process)` +
        `${answered === undefined ? '' : `; the server answered ${answered} requests, as many as were sent`}:`,
    );
    console.log(
      table(
        ['client', 'pushes/s', 'client CPU µs/push', `${SERVER_COLUMNS[serverKind]} CPU µs/push`],
        KINDS.map((k) => [
          CONTESTANT_LABELS[k],
          med(k, (m) => m.rate).toFixed(0),
          med(k, (m) => m.cpuUs).toFixed(0),
          med(k, (m) => m.serverCpuUs).toFixed(1),
        ]),
      ),
    );
    console.log(
      `Herald / node-apn: median of the paired per-round ratios ${vsNodeApn.toFixed(3)}; target ≥ ${TARGET_VS_NODE_APN}: ${vsNodeApn >= TARGET_VS_NODE_APN ? 'met' : 'NOT met'}`,
    );
    console.log(
      `Herald / bare: median of the paired per-round ratios ${vsBare.toFixed(3)}; target ≥ ${TARGET_VS_BARE}: ${vsBare >= TARGET_VS_BARE ? 'met' : 'NOT met'}`,
    );
  } finally {
    await Promise.all(contestants.map((c) => c.close()));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A benchmark that counts failures measures the wrong thing: every notification must get a 200. */
function assertAllOk(kind: ContestantKind, when: string, expected: number, r: RunResult): void {
  if (r.ok !== expected || r.failed !== 0) {
    throw new Error(`${when}: ${CONTESTANT_LABELS[kind]} got ${r.ok}/${expected} answered 200, failures ${JSON.stringify(r.failures)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
