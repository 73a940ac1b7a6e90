/**
 * Memory under overload: the simulator (own process) answers slowly, so Herald can deliver only
 * (connections × in-flight) / latency pushes a second, while this driver offers many times that.
 * A bounded engine refuses the excess at once (wait/resource-constraint) and its memory levels
 * off; an unbounded one grows with the offered load. Prints one row per second and a verdict.
 *
 *   npm run build && node --expose-gc dist/bench/memory.js [--seconds 20] [--offered-per-s 5000] [--latency-ms 200]
 *       [--results DIR]
 *
 * After the table, two charts are written to `--results` (default results/ under the current
 * directory), each named by `# chart:`: memory (heaps and RSS) second by second, and the
 * publishes offered, delivered, refused and waiting likewise.
 *
 * With --expose-gc the heap is sampled after a full collection, so the figures are live memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnApnsSimulatorProcess } from '../src/simulators/apns/process.js';
import { createNodes, publishTexts, startBenchHerald } from './e2e/herald-run.js';
import { table } from './e2e/report.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { loadChart, type Series } from './shared/svg-chart.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    'offered-per-s': { type: 'string', default: '5000' },
    'latency-ms': { type: 'string', default: '200' },
    nodes: { type: 'string', default: '1000' },
    ...RESULTS_OPTION,
  },
});
const seconds = Number(values.seconds);
const offeredPerS = Number(values['offered-per-s']);
const TICK_MS = 50;
const perTick = Math.ceil((offeredPerS * TICK_MS) / 1000);
const MB = 2 ** 20;

async function main(): Promise<void> {
  console.log(`# Herald memory under overload — ${new Date().toISOString()}`);
  console.log(`# machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}`);
  const gcNote = (globalThis as { gc?: unknown }).gc ? ' (heap sampled after a full GC)' : ' (run with --expose-gc for live-heap figures)';
  console.log(`# command: node ${process.execArgv.join(' ')} dist/bench/memory.js ${process.argv.slice(2).join(' ')}${gcNote}`);
  const sim = await spawnApnsSimulatorProcess(['--accept-all', '--latency-ms', values['latency-ms']!]);
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-mem-'));
  const bench = await startBenchHerald({ dir, url: sim.url, caFile: sim.caFile, connections: 2, inFlightPerConnection: 100 });
  const cfg = bench.herald.config;
  console.log(
    `# simulator latency ${values['latency-ms']} ms; capacity ≈ ${Math.round((2 * 100 * 1000) / Number(values['latency-ms']))} pushes/s; offered ${offeredPerS}/s for ${seconds} s; ` +
      `sender mailboxes ${cfg.apns.connections} × ${cfg.actors.sender_mailbox_capacity}, node mailboxes ${cfg.actors.mailbox_capacity}`,
  );
  let offered = 0;
  let ok = 0;
  const refused: Record<string, number> = {};
  bench.setReplyHandler((type, condition) => {
    if (type === 'result') ok++;
    else refused[condition ?? 'unknown'] = (refused[condition ?? 'unknown'] ?? 0) + 1;
  });
  try {
    await createNodes(bench.herald, Number(values.nodes));
    const texts = publishTexts(Number(values.nodes), 'cd'.repeat(32), 'com.example.herald');
    const rows: string[][] = [];
    const heaps: number[] = [];
    const t0 = Date.now();
    const offer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        void bench.herald.handleStanza(texts[offered++ % texts.length]!).catch(() => {});
      }
    }, TICK_MS);
    for (let s = 1; s <= seconds; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      const refusedTotal = Object.values(refused).reduce((a, b) => a + b, 0);
      let threadHeap = 0;
      for (const pool of bench.herald.pushService.pools) {
        threadHeap += (pool as { senders?: { threadHeapUsed?: number } }).senders?.threadHeapUsed ?? 0;
      }
      heaps.push(m.heapUsed + threadHeap);
      rows.push([
        String(s),
        String(offered),
        String(ok),
        String(refusedTotal),
        String(offered - ok - refusedTotal),
        (m.heapUsed / MB).toFixed(0),
        (threadHeap / MB).toFixed(0),
        (m.rss / MB).toFixed(0),
      ]);
      process.stderr.write(`  t=${s}s offered ${offered} delivered ${ok} refused ${refusedTotal} heap ${(m.heapUsed / MB).toFixed(0)} MiB\n`);
    }
    clearInterval(offer);
    console.log(table(['s', 'offered', 'delivered', 'refused', 'waiting', 'main heap MiB', 'sender thread heap MiB', 'rss MiB'], rows));
    const overTime = (name: string, what: string, yLabel: string, columns: Array<[string, number]>) =>
      writeChart(
        values.results!,
        name,
        loadChart({
          title: `Herald under overload: ${what}, ${offeredPerS}/s offered to a simulator answering in ${values['latency-ms']} ms`,
          xLabel: 'seconds since the load started',
          yLabel,
          loads: rows.map((r) => Number(r[0])),
          series: columns.map(([label, column]): Series => ({ name: label, values: rows.map((r) => Number(r[column])) })),
        }),
      );
    overTime('memory-mib', 'memory', 'MiB', [['main heap', 5], ['sender thread heap', 6], ['RSS', 7]]);
    overTime('memory-publishes', 'publishes', 'publishes since the start', [['offered', 1], ['delivered', 2], ['refused', 3], ['waiting', 4]]);
    console.log(`refusals by condition: ${JSON.stringify(refused)}; elapsed ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const half = Math.floor(heaps.length / 2);
    const firstHalfMax = Math.max(...heaps.slice(0, half));
    const secondHalfMax = Math.max(...heaps.slice(half));
    console.log(
      `heap peak (main + sender thread): first half ${(firstHalfMax / MB).toFixed(0)} MiB, second half ${(secondHalfMax / MB).toFixed(0)} MiB ` +
        `while offered load doubled → ${secondHalfMax < firstHalfMax * 1.5 ? 'bounded' : 'GROWING'}`,
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
