/**
 * APNS sender throughput (issue 3): Herald's APNS sender vs @parse/node-apn vs a bare
 * node:http2 loop, each in its own process, against one APNS simulator process, in paired rounds
 * of the same N notifications (same payload, device token, topic, alert push). Targets: Herald ≥
 * 1.5 × node-apn and ≥ 0.9 × the bare loop, taken as medians of the per-round ratios.
 *
 *   npm run build && node dist/bench/sender.js [--pushes 40000] [--rounds 6] [--connections 2]
 *       [--in-flight 100] [--window 250] [--sender-threads 2] [--max-streams 1000]
 *
 * The simulator runs accept-all (it reads every body and answers 200, checking nothing), while
 * every contestant still signs its own ES256 provider token with the same .p8 key and sends it.
 * Why not Apple's token checks: with them (a) node-apn's MultiProvider mints one token per
 * connection, and the second, minted seconds after the first for the same team+key, is refused
 * 429 TooManyProviderTokenUpdates (Apple's 20-minute rule); (b) node-apn and the bare loop open
 * their streams before the first authenticated request raises the simulator's stream limit from
 * 1, and neither retries the REFUSED_STREAMs that follow — so neither could finish a run with
 * every notification answered 200. Accept-all also keeps the simulator's share of the 2 cores
 * as small as it can be, which is what lets the clients' own costs show.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config/load.js';
import { ensureDevApnsKey } from '../src/push-service/apns/dev-key.js';
import { spawnApnsSimulatorProcess } from '../src/simulators/apns/process.js';
import { median, table } from './e2e/report.js';
import { ContestantProcess } from './sender/contestant-process.js';
import { processCpuMs } from './sender/process-cpu.js';
import { CONTESTANT_LABELS, type ContestantKind, type RunResult } from './sender/protocol.js';

/** For the header line when --sender-threads is not given: what Herald then uses. */
const DEFAULT_SENDER_THREADS = validateConfig({}).apns.sender_threads;

/** One contestant's run: pushes/s, its own CPU and the simulator's, per notification. */
interface Measured {
  rate: number;
  cpuUs: number;
  simCpuUs: number;
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

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`# APNS sender throughput: Herald vs @parse/node-apn vs bare node:http2 — ${new Date().toISOString()}`);
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: node dist/bench/sender.js ${process.argv.slice(2).join(' ')}`);
  console.log(
    `# --pushes ${pushes} --rounds ${rounds} --connections ${connections} --in-flight ${inFlight} --window ${window} ` +
      `--sender-threads ${senderThreads ?? `${DEFAULT_SENDER_THREADS} (Herald's default)`} --max-streams ${values['max-streams']}`,
  );
  console.log(
    `# simulator: own process, accept-all; ` +
      `each contestant in its own process, ${connections} HTTP/2 connection(s); Herald: apns.connections ${connections}, ` +
      `apns.max_in_flight ${inFlight}; node-apn: ${connections === 1 ? 'Provider' : `MultiProvider clientCount ${connections}`}; ` +
      `Herald and node-apn fed ${window} notifications at once; bare loop: ${connections} × ${inFlight} streams`,
  );

  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-sender-'));
  const keyFile = join(dir, 'apns.p8');
  ensureDevApnsKey(keyFile);
  const sim = await spawnApnsSimulatorProcess(['--accept-all', '--max-streams', values['max-streams']!]);
  const contestants = KINDS.map((kind) => new ContestantProcess(kind));
  try {
    await Promise.all(
      contestants.map((c) =>
        c.setup({
          url: sim.url,
          caFile: sim.caFile,
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
    for (const c of contestants) {
      const warm = Math.min(WARMUP_PUSHES, pushes);
      assertAllOk(c.kind, 'warm-up', warm, await c.run(warm, `warm-up ${CONTESTANT_LABELS[c.kind]}`));
    }

    const rows: Array<Record<ContestantKind, Measured>> = [];
    for (let round = 1; round <= rounds; round++) {
      const order = ORDERS[(round - 1) % ORDERS.length]!;
      const got = {} as Record<ContestantKind, Measured>;
      const refusals: string[] = [];
      for (const kind of order) {
        const c = contestants.find((x) => x.kind === kind)!;
        const sim0 = processCpuMs(sim.child.pid);
        const r = await c.run(pushes, `round ${round} ${CONTESTANT_LABELS[kind]}`);
        const sim1 = processCpuMs(sim.child.pid);
        assertAllOk(kind, `round ${round}`, pushes, r);
        got[kind] = {
          rate: (r.ok / r.ms) * 1000,
          cpuUs: (r.cpuMs * 1000) / r.ok,
          simCpuUs: sim0 === undefined || sim1 === undefined ? NaN : ((sim1 - sim0) * 1000) / r.ok,
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
    console.log('CPU per notification (medians; the client\'s whole process, all threads, and the simulator process):');
    console.log(
      table(
        ['client', 'pushes/s', 'client CPU µs/push', 'simulator CPU µs/push'],
        KINDS.map((k) => [
          CONTESTANT_LABELS[k],
          med(k, (m) => m.rate).toFixed(0),
          med(k, (m) => m.cpuUs).toFixed(0),
          med(k, (m) => m.simCpuUs).toFixed(0),
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
    await sim.stop();
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
