/**
 * End-to-end throughput: publish IQs in → APNS 200s back from an APNS server running in its own
 * process, against a bare node:http2 loop hitting the same server in the same run, in paired
 * rounds (e2e/paired-rounds.ts: the verdict is the median of the per-round ratios; CPU per push
 * is this process's, every thread). Targets (issue 9): Herald ≥ 0.9 × bare, CPU per push ≤ 1.3 × bare's.
 *
 * The server (`--server`, bench/shared/apns-server.ts) is by default the APNS benchmark server
 * (a few µs of CPU per push, like Pushy's BenchmarkApnsServer), as for bench/sender.ts: the
 * clients are measured, not the server. `--server simulator` runs the accept-all APNS simulator
 * on node:http2 instead, which spends ≈ 50 µs per push on the same two cores and so caps both
 * contestants by the CPU it leaves them.
 *
 * `--scaling 0,1,2` then measures Herald with each shard count (0 = the roles on the main
 * thread) in its own paired rounds against the bare loop: the thread-scaling table.
 *
 *   npm run build && node dist/bench/e2e.js [--pushes 60000] [--rounds 7] [--connections 2]
 *       [--in-flight 100] [--nodes 1000] [--window 250] [--shards auto] [--scaling 0,1,2]
 *       [--scaling-rounds 3] [--server benchmark|simulator] [--results DIR]
 *
 * After each table its chart (pushes/s per round, or by shard count) is written to `--results`
 * (default results/ under the current directory), named by `# chart:`.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { roundsSvg, scalingSvg } from './e2e/chart.js';
import { measurePaired, measureScaling, scalingText, shardCounts, type PairedOptions } from './e2e/paired-rounds.js';
import { table } from './e2e/report.js';
import { serverKindOf, startBenchServer } from './shared/apns-server.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';

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
    server: { type: 'string', default: 'benchmark' },
    ...RESULTS_OPTION,
  },
});
const pushes = Number(values.pushes);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const inFlight = Number(values['in-flight']);
const nodes = Number(values.nodes);
const shardsOf = (text: string): number => (text === 'auto' ? os.availableParallelism() : Number(text));
const shards = shardsOf(values.shards!);
const serverKind = serverKindOf(values.server);
// Publishes outstanding at once: the bare loop keeps exactly connections × in-flight requests
// open; Herald is offered the same plus a 25 % margin, so that its streams never wait for the
// driver while its queues stay short (a deeper backlog only adds queueing, not throughput).
const window = Number(values.window || Math.ceil(connections * inFlight * 1.25));
const paired: PairedOptions = {
  pushes,
  connections,
  inFlight,
  nodes,
  window,
  senderThreads: values['sender-threads'] ? Number(values['sender-threads']) : undefined,
};

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`# Herald end-to-end throughput — ${new Date().toISOString()}`);
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: node dist/bench/e2e.js ${process.argv.slice(2).join(' ')}`);
  console.log(
    `# ${pushes} pushes per run, ${rounds} rounds, ${connections} HTTP/2 connections × ${inFlight} in flight (Herald: ${shards} shards, ` +
      `${values['sender-threads'] || 'default'} sender threads without shards), ${nodes} push nodes, window ${window}`,
  );
  const sim = await startBenchServer(serverKind, Number(values['max-streams']));
  console.log(`# APNS server: ${sim.description}`);
  try {
    const main = await measurePaired(sim, shards, rounds, 'Herald', paired);
    console.log(
      table(
        ['round', 'bare node:http2 req/s', 'Herald pushes/s', 'ratio', 'bare µs CPU/push', 'Herald µs CPU/push', 'CPU ratio'],
        [
          ...main.rows.map((r) => [String(r.round), r.bare.toFixed(0), r.herald.toFixed(0), (r.herald / r.bare).toFixed(2), r.bareCpu.toFixed(1), r.heraldCpu.toFixed(1), (r.heraldCpu / r.bareCpu).toFixed(2)]),
          ['median', main.bare.toFixed(0), main.herald.toFixed(0), main.ratio.toFixed(2), main.bareCpu.toFixed(1), main.heraldCpu.toFixed(1), main.cpuRatio.toFixed(2)],
        ],
      ),
    );
    writeChart(values.results!, 'e2e', roundsSvg(`Herald end-to-end vs bare node:http2, ${pushes} pushes per round, ${shards} shards`, main));
    console.log(
      `Herald / bare: median of the paired per-round ratios ${main.ratio.toFixed(2)} (ratio of the medians ${(main.herald / main.bare).toFixed(2)}); ` +
        `target ≥ ${TARGET_RATIO}: ${main.ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
    console.log(
      `CPU per push, Herald / bare: median of the paired ratios ${main.cpuRatio.toFixed(2)} (${main.heraldCpu.toFixed(1)} vs ${main.bareCpu.toFixed(1)} µs); ` +
        `target ≤ ${TARGET_CPU_RATIO}: ${main.cpuRatio <= TARGET_CPU_RATIO ? 'met' : 'NOT met'}`,
    );
    if (values.scaling) {
      const scaling = await measureScaling(sim, shardCounts(values.scaling), Number(values['scaling-rounds']), paired);
      console.log(`\n${scalingText(scaling)}`);
      writeChart(values.results!, 'e2e-scaling', scalingSvg(scaling));
    }
  } finally {
    await sim.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
