/**
 * End-to-end throughput: publish IQs in → APNS 200s back from the simulator running in its own
 * process, against a bare node:http2 loop hitting the same simulator in the same run. Each round
 * runs both back to back (order alternating), so each round's ratio compares the two under the
 * same machine state; the verdict is the median of those paired ratios. CPU per push is this
 * process's CPU time (every thread: driver, main thread, shards) over the pushes of the run, for
 * both contestants alike. Targets (issue 9): Herald ≥ 0.9 × bare, CPU per push ≤ 1.3 × bare's.
 *
 * `--scaling 0,1,2` then measures Herald with each shard count (0 = the roles on the main
 * thread) in its own paired rounds against the bare loop: the thread-scaling table.
 *
 *   npm run build && node dist/bench/e2e.js [--pushes 60000] [--rounds 7] [--connections 2]
 *       [--in-flight 100] [--nodes 1000] [--window 250] [--shards auto] [--scaling 0,1,2]
 *       [--scaling-rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnApnsSimulatorProcess } from '../src/simulators/apns/process.js';
import { runBareLoop } from './e2e/bare-loop.js';
import { createNodes, publishTexts, runHeraldLoad, startBenchHerald } from './e2e/herald-run.js';
import { median, progress, table } from './e2e/report.js';

const TOKEN = 'ab'.repeat(32);
const TOPIC = 'com.example.herald';
const TARGET_RATIO = 0.9;
const TARGET_CPU_RATIO = 1.3;

const { values } = parseArgs({
  options: {
    pushes: { type: 'string', default: '60000' },
    rounds: { type: 'string', default: '7' },
    connections: { type: 'string', default: '2' },
    'in-flight': { type: 'string', default: '100' },
    nodes: { type: 'string', default: '1000' },
    window: { type: 'string', default: '' },
    'max-streams': { type: 'string', default: '1000' },
    'sender-threads': { type: 'string', default: '' },
    shards: { type: 'string', default: 'auto' },
    scaling: { type: 'string', default: '' },
    'scaling-rounds': { type: 'string', default: '3' },
  },
});
const pushes = Number(values.pushes);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const inFlight = Number(values['in-flight']);
const nodes = Number(values.nodes);
const shardsOf = (text: string): number => (text === 'auto' ? os.availableParallelism() : Number(text));
const shards = shardsOf(values.shards!);
// Publishes outstanding at once: the bare loop keeps exactly connections × in-flight requests
// open; Herald is offered the same plus a 25 % margin, so that its streams never wait for the
// driver while its queues stay short (a deeper backlog only adds queueing, not throughput).
const window = Number(values.window || Math.ceil(connections * inFlight * 1.25));

interface Round {
  round: number;
  bare: number;
  herald: number;
  /** µs of this process's CPU per push. */
  bareCpu: number;
  heraldCpu: number;
}

interface Measured {
  rows: Round[];
  ratio: number;
  cpuRatio: number;
  bare: number;
  herald: number;
  bareCpu: number;
  heraldCpu: number;
}

type Sim = Awaited<ReturnType<typeof spawnApnsSimulatorProcess>>;

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`# Herald end-to-end throughput — ${new Date().toISOString()}`);
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: node dist/bench/e2e.js ${process.argv.slice(2).join(' ')}`);
  console.log(
    `# ${pushes} pushes per run, ${rounds} rounds, ${connections} HTTP/2 connections × ${inFlight} in flight (Herald: ${shards} shards, ` +
      `${values['sender-threads'] || 'default'} sender threads without shards), ${nodes} push nodes, window ${window}`,
  );
  const sim = await spawnApnsSimulatorProcess(['--accept-all', '--max-streams', values['max-streams']!]);
  try {
    const main = await measure(sim, shards, rounds, 'Herald');
    console.log(
      table(
        ['round', 'bare node:http2 req/s', 'Herald pushes/s', 'ratio', 'bare µs CPU/push', 'Herald µs CPU/push', 'CPU ratio'],
        [
          ...main.rows.map((r) => [String(r.round), r.bare.toFixed(0), r.herald.toFixed(0), (r.herald / r.bare).toFixed(2), r.bareCpu.toFixed(1), r.heraldCpu.toFixed(1), (r.heraldCpu / r.bareCpu).toFixed(2)]),
          ['median', main.bare.toFixed(0), main.herald.toFixed(0), main.ratio.toFixed(2), main.bareCpu.toFixed(1), main.heraldCpu.toFixed(1), main.cpuRatio.toFixed(2)],
        ],
      ),
    );
    console.log(
      `Herald / bare: median of the paired per-round ratios ${main.ratio.toFixed(2)} (ratio of the medians ${(main.herald / main.bare).toFixed(2)}); ` +
        `target ≥ ${TARGET_RATIO}: ${main.ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
    console.log(
      `CPU per push, Herald / bare: median of the paired ratios ${main.cpuRatio.toFixed(2)} (${main.heraldCpu.toFixed(1)} vs ${main.bareCpu.toFixed(1)} µs); ` +
        `target ≤ ${TARGET_CPU_RATIO}: ${main.cpuRatio <= TARGET_CPU_RATIO ? 'met' : 'NOT met'}`,
    );
    if (values.scaling) await scalingTable(sim, values.scaling.split(',').map(shardsOf));
  } finally {
    await sim.stop();
  }
}

/** Herald with `shardCount` shards against the bare loop, in paired rounds (order alternating). */
async function measure(sim: Sim, shardCount: number, roundCount: number, label: string): Promise<Measured> {
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-'));
  const senderThreads = values['sender-threads'] ? Number(values['sender-threads']) : undefined;
  const bench = await startBenchHerald({ dir, url: sim.url, caFile: sim.caFile, connections, inFlightPerConnection: inFlight, senderThreads, shards: shardCount });
  try {
    await createNodes(bench.herald, nodes);
    const texts = publishTexts(nodes, TOKEN, TOPIC);
    // Warm-up: JIT, TLS sessions, stream windows.
    await runHeraldLoad(bench, texts, { publishes: Math.min(5_000, pushes), window });
    await runBareLoop({ url: sim.url, ca: sim.ca, connections, inFlightPerConnection: inFlight, requests: Math.min(5_000, pushes), token: TOKEN, topic: TOPIC, authorization: 'bearer warmup' });

    const rows: Round[] = [];
    for (let round = 1; round <= roundCount; round++) {
      const runBare = () =>
        withCpu(() =>
          runBareLoop({
            url: sim.url,
            ca: sim.ca,
            connections,
            inFlightPerConnection: inFlight,
            requests: pushes,
            token: TOKEN,
            topic: TOPIC,
            authorization: `bearer ${'x'.repeat(150)}`,
            onProgress: progress(`${label} round ${round} bare node:http2`, pushes),
          }),
        );
      const runHerald = () => withCpu(() => runHeraldLoad(bench, texts, { publishes: pushes, window, onProgress: progress(`${label} round ${round} Herald`, pushes) }));
      let bare;
      let herald;
      if (round % 2 === 1) {
        bare = await runBare();
        herald = await runHerald();
      } else {
        herald = await runHerald();
        bare = await runBare();
      }
      if (bare.ok !== pushes || herald.ok !== pushes) {
        throw new Error(`round ${round}: bare ${bare.ok}/${pushes} ok, Herald ${herald.ok}/${pushes} ok ${JSON.stringify((herald as { errors?: unknown }).errors)}`);
      }
      rows.push({
        round,
        bare: (bare.ok / bare.ms) * 1000,
        herald: (herald.ok / herald.ms) * 1000,
        bareCpu: bare.cpuUs / bare.ok,
        heraldCpu: herald.cpuUs / herald.ok,
      });
    }
    return {
      rows,
      ratio: median(rows.map((r) => r.herald / r.bare)),
      cpuRatio: median(rows.map((r) => r.heraldCpu / r.bareCpu)),
      bare: median(rows.map((r) => r.bare)),
      herald: median(rows.map((r) => r.herald)),
      bareCpu: median(rows.map((r) => r.bareCpu)),
      heraldCpu: median(rows.map((r) => r.heraldCpu)),
    };
  } finally {
    await bench.herald.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Herald's throughput by shard count, each in its own paired rounds against the bare loop. */
async function scalingTable(sim: Sim, counts: number[]): Promise<void> {
  const rounds = Number(values['scaling-rounds']);
  const rows: string[][] = [];
  for (const count of counts) {
    const m = await measure(sim, count, rounds, `${count} shards:`);
    rows.push([count === 0 ? '0 (main thread)' : String(count), m.herald.toFixed(0), m.bare.toFixed(0), m.ratio.toFixed(2), m.heraldCpu.toFixed(1), m.bareCpu.toFixed(1)]);
  }
  console.log(`\n# thread scaling: ${rounds} paired rounds per shard count, medians`);
  console.log(table(['shards', 'Herald pushes/s', 'bare req/s', 'ratio', 'Herald µs CPU/push', 'bare µs CPU/push'], rows));
}

/** The run's result with this process's CPU time (user + system, all threads) in µs. */
async function withCpu<T extends object>(run: () => Promise<T>): Promise<T & { cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { ...result, cpuUs: used.user + used.system };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
