/**
 * End-to-end throughput: publish IQs in → APNS 200s back from the simulator running in its own
 * process, against a bare node:http2 loop hitting the same simulator in the same run. Each round
 * runs both back to back (order alternating), so each round's ratio compares the two under the
 * same machine state; the verdict is the median of those paired ratios. Target (issue 2):
 * Herald ≥ 0.7 × bare.
 *
 *   npm run build && node dist/bench/e2e.js [--pushes 60000] [--rounds 7] [--connections 2]
 *       [--in-flight 100] [--nodes 1000] [--window 250]
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
  },
});
const pushes = Number(values.pushes);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const inFlight = Number(values['in-flight']);
const nodes = Number(values.nodes);
// Publishes outstanding at once: the bare loop keeps exactly connections × in-flight requests
// open; Herald is offered the same plus a 25 % margin, so that its streams never wait for the
// driver while its queues stay short (a deeper backlog only adds queueing, not throughput).
const window = Number(values.window || Math.ceil(connections * inFlight * 1.25));

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`# Herald end-to-end throughput — ${new Date().toISOString()}`);
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: node dist/bench/e2e.js ${process.argv.slice(2).join(' ')}`);
  console.log(`# ${pushes} pushes per run, ${rounds} rounds, ${connections} HTTP/2 connections × ${inFlight} in flight (Herald: ${values["sender-threads"] || "default"} sender threads), ${nodes} push nodes, window ${window}`);

  const sim = await spawnApnsSimulatorProcess(['--accept-all', '--max-streams', values['max-streams']!]);
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-'));
  const senderThreads = values['sender-threads'] ? Number(values['sender-threads']) : undefined;
  const bench = await startBenchHerald({ dir, url: sim.url, caFile: sim.caFile, connections, inFlightPerConnection: inFlight, senderThreads });
  try {
    await createNodes(bench.herald, nodes);
    const texts = publishTexts(nodes, TOKEN, TOPIC);
    // Warm-up: JIT, TLS sessions, stream windows.
    await runHeraldLoad(bench, texts, { publishes: Math.min(5_000, pushes), window });
    await runBareLoop({ url: sim.url, ca: sim.ca, connections, inFlightPerConnection: inFlight, requests: Math.min(5_000, pushes), token: TOKEN, topic: TOPIC, authorization: 'bearer warmup' });

    const rows: Array<{ round: number; bare: number; herald: number; failures: number }> = [];
    for (let round = 1; round <= rounds; round++) {
      // Paired rounds, order alternating (bare first in odd rounds, Herald first in even ones),
      // so that drift on a shared machine hits both sides alike.
      const runBare = () =>
        runBareLoop({
          url: sim.url,
          ca: sim.ca,
          connections,
          inFlightPerConnection: inFlight,
          requests: pushes,
          token: TOKEN,
          topic: TOPIC,
          authorization: `bearer ${'x'.repeat(150)}`,
          onProgress: progress(`round ${round} bare node:http2`, pushes),
        });
      const runHerald = () =>
        runHeraldLoad(bench, texts, { publishes: pushes, window, onProgress: progress(`round ${round} Herald`, pushes) });
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
        throw new Error(`round ${round}: bare ${bare.ok}/${pushes} ok, Herald ${herald.ok}/${pushes} ok ${JSON.stringify(herald.errors)}`);
      }
      rows.push({
        round,
        bare: (bare.ok / bare.ms) * 1000,
        herald: (herald.ok / herald.ms) * 1000,
        failures: bare.failed + herald.failed,
      });
    }
    const bareMedian = median(rows.map((r) => r.bare));
    const heraldMedian = median(rows.map((r) => r.herald));
    const pairedRatio = median(rows.map((r) => r.herald / r.bare));
    console.log(
      table(
        ['round', 'bare node:http2 req/s', 'Herald pushes/s', 'ratio'],
        [
          ...rows.map((r) => [String(r.round), r.bare.toFixed(0), r.herald.toFixed(0), (r.herald / r.bare).toFixed(2)]),
          ['median', bareMedian.toFixed(0), heraldMedian.toFixed(0), pairedRatio.toFixed(2)],
        ],
      ),
    );
    console.log(
      `Herald / bare: median of the paired per-round ratios ${pairedRatio.toFixed(2)} (ratio of the medians ${(heraldMedian / bareMedian).toFixed(2)}); ` +
        `target ≥ 0.70: ${pairedRatio >= 0.7 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await bench.herald.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
