/**
 * Herald against the bare node:http2 loop on the same APNS server, in paired rounds: each round
 * runs both back to back (order alternating), so each round's ratio compares the two under the
 * same machine state, and the verdict is the median of those paired ratios. CPU per push is this
 * process's CPU time (every thread: driver, main thread, shards) over the pushes of the run, for
 * both contestants alike. Shared by bench/e2e.ts and bench/users.ts (its thread-scaling table).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { BenchServer } from '../shared/apns-server.js';
import { runBareLoop } from './bare-loop.js';
import { createNodes, publishTexts, runHeraldLoad, startBenchHerald } from './herald-run.js';
import { median, progress, table } from './report.js';

export const TOKEN = 'ab'.repeat(32);
export const TOPIC = 'com.example.herald';

export interface PairedOptions {
  /** Pushes per run of each contestant. */
  pushes: number;
  connections: number;
  /** Requests in flight per connection (the bare loop; Herald's max_in_flight). */
  inFlight: number;
  /** Push nodes the publishes go to, round robin. */
  nodes: number;
  /** Publishes offered to Herald at once. */
  window: number;
  /** Herald's sender threads without shards (undefined: its default). */
  senderThreads?: number;
}

export interface Round {
  round: number;
  bare: number;
  herald: number;
  /** µs of this process's CPU per push. */
  bareCpu: number;
  heraldCpu: number;
}

/** Per-round figures and their medians (the ratios: medians of the paired per-round ratios). */
export interface Measured {
  rows: Round[];
  ratio: number;
  cpuRatio: number;
  bare: number;
  herald: number;
  bareCpu: number;
  heraldCpu: number;
}

/** Herald with `shardCount` shards (0 = the roles on the main thread) against the bare loop, in paired rounds. */
export async function measurePaired(sim: BenchServer, shardCount: number, roundCount: number, label: string, o: PairedOptions): Promise<Measured> {
  const { pushes, connections, inFlight } = o;
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-'));
  const bench = await startBenchHerald({ dir, url: sim.url, caFile: sim.caFile, connections, inFlightPerConnection: inFlight, senderThreads: o.senderThreads, shards: shardCount });
  try {
    await createNodes(bench.herald, o.nodes);
    const texts = publishTexts(o.nodes, TOKEN, TOPIC);
    // Warm-up: JIT, TLS sessions, stream windows.
    await runHeraldLoad(bench, texts, { publishes: Math.min(5_000, pushes), window: o.window });
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
      const runHerald = () => withCpu(() => runHeraldLoad(bench, texts, { publishes: pushes, window: o.window, onProgress: progress(`${label} round ${round} Herald`, pushes) }));
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

/** Herald's throughput by shard count, each count in its own paired rounds against the bare loop. */
export interface Scaling {
  rounds: number;
  pushes: number;
  points: Array<{ shards: number; measured: Measured }>;
}

export async function measureScaling(sim: BenchServer, counts: readonly number[], rounds: number, o: PairedOptions): Promise<Scaling> {
  const points: Scaling['points'] = [];
  for (const shards of counts) points.push({ shards, measured: await measurePaired(sim, shards, rounds, `${shards} shards:`, o) });
  return { rounds, pushes: o.pushes, points };
}

export function shardsLabel(shards: number): string {
  return shards === 0 ? '0 (main thread)' : String(shards);
}

/** The thread-scaling table (medians), with its heading line. */
export function scalingText(s: Scaling): string {
  const rows = s.points.map(({ shards, measured: m }) => [shardsLabel(shards), m.herald.toFixed(0), m.bare.toFixed(0), m.ratio.toFixed(2), m.heraldCpu.toFixed(1), m.bareCpu.toFixed(1)]);
  return (
    `# thread scaling: ${s.rounds} paired rounds of ${s.pushes} pushes per shard count, medians\n` +
    table(['shards', 'Herald pushes/s', 'bare req/s', 'ratio', 'Herald µs CPU/push', 'bare µs CPU/push'], rows)
  );
}

/** Shard counts from `--scaling`: "1,2", with "auto" for one per core. */
export function shardCounts(text: string): number[] {
  return text.split(',').map((part) => {
    const n = part.trim() === 'auto' ? os.availableParallelism() : Number(part);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--scaling takes shard counts (0, 1, 2, … or auto), got ${part}`);
    return n;
  });
}

/** The run's result with this process's CPU time (user + system, all threads) in µs. */
export async function withCpu<T extends object>(run: () => Promise<T>): Promise<T & { cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { ...result, cpuUs: used.user + used.system };
}
