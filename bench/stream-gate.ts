/**
 * What RFC 6120 §4.9 gating across shards costs (shards/stream-gates.ts): the same sharded
 * Herald and publishes, handed over as independent stanzas (`handleStanza`) or as the stanzas
 * of one stream (`handleText(text, stream)`, the component link's path: each stanza read by its
 * shard, acted on once every earlier one of the stream was read), in paired rounds (order
 * alternating) against an APNS server in its own process (`--server`, bench/shared/apns-server.ts). CPU per push is this process's
 * (every thread).
 *
 *   npm run build && node dist/bench/stream-gate.js [--pushes 30000] [--rounds 5] [--shards 2]
 *       [--server benchmark|simulator] [--results DIR]
 *
 * After the table, a chart of both ways' pushes/s per round (and their medians) is written to
 * `--results` (default results/ under the current directory), named by `# chart:`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InboundStream } from '../src/xmpp/inbound-stream.js';
import { createNodes, publishTexts, runHeraldLoad, startBenchHerald } from './e2e/herald-run.js';
import { median, table } from './e2e/report.js';
import { serverKindOf, startBenchServer } from './shared/apns-server.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { roundCategories, roundsChart } from './shared/svg-chart.js';

const { values } = parseArgs({
  options: {
    pushes: { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '5' },
    shards: { type: 'string', default: '2' },
    nodes: { type: 'string', default: '1000' },
    server: { type: 'string', default: 'benchmark' },
    ...RESULTS_OPTION,
  },
});
const pushes = Number(values.pushes);
const rounds = Number(values.rounds);
const CONNECTIONS = 2;
const IN_FLIGHT = 100;
const WINDOW = Math.ceil(CONNECTIONS * IN_FLIGHT * 1.25);

async function main(): Promise<void> {
  console.log(`# stream gating — ${new Date().toISOString()}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`# command: node dist/bench/stream-gate.js ${process.argv.slice(2).join(' ')}`);
  const sim = await startBenchServer(serverKindOf(values.server), 1000);
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-gate-'));
  const bench = await startBenchHerald({ dir, url: sim.url, caFile: sim.caFile, connections: CONNECTIONS, inFlightPerConnection: IN_FLIGHT, shards: Number(values.shards) });
  try {
    await createNodes(bench.herald, Number(values.nodes));
    const texts = publishTexts(Number(values.nodes), 'ab'.repeat(32), 'com.example.herald');
    await runHeraldLoad(bench, texts, { publishes: 5_000, window: WINDOW });
    await runHeraldLoad(bench, texts, { publishes: 5_000, window: WINDOW, stream: new InboundStream() });
    const rows: string[][] = [];
    const plain: Array<{ rate: number; cpu: number }> = [];
    const gated: Array<{ rate: number; cpu: number }> = [];
    for (let round = 1; round <= rounds; round++) {
      const run = async (stream: InboundStream | undefined) => {
        const cpu0 = process.cpuUsage();
        const r = await runHeraldLoad(bench, texts, { publishes: pushes, window: WINDOW, stream });
        const cpu = process.cpuUsage(cpu0);
        if (r.ok !== pushes) throw new Error(`round ${round}: ${r.ok}/${pushes} ok ${JSON.stringify(r.errors)}`);
        return { rate: (r.ok / r.ms) * 1000, cpu: (cpu.user + cpu.system) / r.ok };
      };
      let a;
      let b;
      if (round % 2 === 1) {
        a = await run(undefined);
        b = await run(new InboundStream());
      } else {
        b = await run(new InboundStream());
        a = await run(undefined);
      }
      plain.push(a);
      gated.push(b);
      rows.push([String(round), a.rate.toFixed(0), b.rate.toFixed(0), (b.rate / a.rate).toFixed(3), a.cpu.toFixed(1), b.cpu.toFixed(1), (b.cpu / a.cpu).toFixed(3)]);
    }
    const ratio = median(plain.map((a, i) => gated[i]!.rate / a.rate));
    const cpuRatio = median(plain.map((a, i) => gated[i]!.cpu / a.cpu));
    rows.push(['median', median(plain.map((a) => a.rate)).toFixed(0), median(gated.map((b) => b.rate)).toFixed(0), ratio.toFixed(3), median(plain.map((a) => a.cpu)).toFixed(1), median(gated.map((b) => b.cpu)).toFixed(1), cpuRatio.toFixed(3)]);
    console.log(table(['round', 'independent pushes/s', 'one stream pushes/s', 'ratio', 'independent µs CPU/push', 'one stream µs CPU/push', 'CPU ratio'], rows));
    writeChart(
      values.results!,
      'stream-gate',
      roundsChart({
        title: `Stream gating: ${pushes} publishes per round, ${values.shards} shards`,
        unit: 'pushes/s',
        categories: roundCategories(rounds),
        series: [
          { name: 'independent stanzas', values: [...plain.map((a) => a.rate), median(plain.map((a) => a.rate))] },
          { name: 'one stream (gated)', values: [...gated.map((b) => b.rate), median(gated.map((b) => b.rate))] },
        ],
      }),
    );
    console.log(`# load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await bench.herald.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
