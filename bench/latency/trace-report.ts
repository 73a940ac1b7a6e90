/**
 * Where the component path's latency goes, stage by stage: reads the marks a traced run left
 * (src/core/latency-trace.ts: one file per thread of the bench and of Herald, one monotonic
 * clock), joins them by IQ id, and for each open-loop run the bench named (bench.phase marks)
 * prints each stage's p50 / p99 / p99.9 / max and what each stage carried on average in the
 * slowest 1 % of requests (the requests that make the p99). Publishes lacking a mark are left
 * out: a Herald with shards.count = 0 (no shard marks) shows none.
 *
 *   HERALD_LATENCY_TRACE=/tmp/trace node dist/bench/latency.js --paths component --rates 50
 *   node dist/bench/latency/trace-report.js /tmp/trace
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { table } from '../e2e/report.js';

/** The marks of one publish, in the order it passes them. */
const STAGES = [
  'bench.sent',
  'main.received',
  'shard.received',
  'shard.parsed',
  'node.publish',
  'apns.sent',
  'apns.answered',
  'shard.routed',
  'main.from_shard',
  'main.written',
  'bench.answered',
] as const;

/** What the time between two consecutive marks is spent on. */
const STAGE_NAMES: Record<string, string> = {
  'main.received': 'bench write → Herald main thread framed it (TCP, both loops)',
  'shard.received': 'main thread → shard (batched port, shard loop)',
  'shard.parsed': 'shard: parse + routing to the App Server',
  'node.publish': 'node actor mailbox (nact turn)',
  'apns.sent': 'sender actor mailbox (nact turn) → request started',
  'apns.answered': 'APNS round trip (HTTP/2, simulator, shard loop)',
  'shard.routed': 'answer → IQ result built and routed (promise chain)',
  'main.from_shard': 'shard → main thread (batched port, main loop)',
  'main.written': 'main thread: socket write done',
  'bench.answered': 'Herald write → bench parsed the result (TCP, bench loop)',
};

const SLOWEST_SHARE = 0.01;

const dir = process.argv[2];
if (!dir) throw new Error('usage: node dist/bench/latency/trace-report.js <trace directory>');

interface Phase {
  label: string;
  start: number;
  end: number;
}

interface Pause {
  /** The bench's own process, or Herald's. */
  bench: boolean;
  /** `<pid>-<threadId>` */
  thread: string;
  kind: string;
  start: number;
  end: number;
}

const marks = new Map<string, Map<string, number>>();
const phases: Phase[] = [];
const openPhases = new Map<string, number>();
const pauses: Pause[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.tsv'))) {
  const text = readFileSync(join(dir, file), 'utf8');
  const bench = text.includes('bench.sent\t') || text.includes('bench.phase.start\t');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [stage, key, ns] = line.split('\t') as [string, string, string];
    const t = Number(ns) / 1e6; // ms
    if (stage === 'gc') {
      const [ms, kind] = key.split('/') as [string, string];
      pauses.push({ bench, thread: file.replace('.tsv', ''), kind, start: t, end: t + Number(ms) });
    }
    else if (stage === 'bench.phase.start') openPhases.set(key, t);
    else if (stage === 'bench.phase.end') phases.push({ label: key, start: openPhases.get(key) ?? t, end: t });
    else {
      let of = marks.get(key);
      if (!of) marks.set(key, (of = new Map()));
      if (!of.has(stage)) of.set(stage, t);
    }
  }
}

for (const phase of phases.sort((a, b) => a.start - b.start)) {
  const requests: number[][] = [];
  for (const of of marks.values()) {
    const sent = of.get('bench.sent');
    if (sent === undefined || sent < phase.start || sent > phase.end) continue;
    const times = STAGES.map((s) => of.get(s));
    if (times.some((t) => t === undefined)) continue;
    requests.push(times as number[]);
  }
  if (requests.length === 0) continue;
  const total = (r: number[]) => r[r.length - 1]! - r[0]!;
  requests.sort((a, b) => total(a) - total(b));
  const slowest = requests.slice(Math.floor(requests.length * (1 - SLOWEST_SHARE)));
  const rows: string[][] = [];
  for (let i = 1; i < STAGES.length; i++) {
    const deltas = requests.map((r) => r[i]! - r[i - 1]!).sort((a, b) => a - b);
    const carried = slowest.reduce((sum, r) => sum + r[i]! - r[i - 1]!, 0) / slowest.length;
    rows.push([STAGES[i]!, STAGE_NAMES[STAGES[i]!]!, ...quantiles(deltas), carried.toFixed(2)]);
  }
  const totals = requests.map(total);
  const slowTotal = slowest.reduce((sum, r) => sum + total(r), 0) / slowest.length;
  rows.push(['total', 'bench write → bench read the result', ...quantiles(totals), slowTotal.toFixed(2)]);
  console.log(`\n## ${phase.label}: ${requests.length} publishes with every mark`);
  console.log(table(['mark', 'stage ending at it', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', `mean in slowest ${SLOWEST_SHARE * 100} % ms`], rows));
  for (const bench of [false, true]) {
    const own = pauses.filter((p) => p.bench === bench && p.end >= phase.start && p.start <= phase.end);
    const gcMs = own.reduce((sum, p) => sum + p.end - p.start, 0);
    const longest = own.reduce((m, p) => Math.max(m, p.end - p.start), 0);
    const inSlowest = slowest.reduce((sum, r) => sum + overlapMs(own, r[0]!, r[r.length - 1]!), 0) / slowest.length;
    const byThreadAndKind = new Map<string, number[]>();
    for (const p of own) {
      const k = `${p.thread} ${p.kind}`;
      byThreadAndKind.set(k, [...(byThreadAndKind.get(k) ?? []), p.end - p.start]);
    }
    const detail = [...byThreadAndKind].map(([k, ms]) => `${k}: ${ms.length} × (${ms.map((m) => m.toFixed(1)).join(', ')})`).join('; ');
    console.log(
      `${bench ? 'bench' : 'Herald'} GC during the run (${detail})`,
    );
    console.log(
      `${bench ? 'bench' : 'Herald'} GC during the run: ${own.length} pauses, ${gcMs.toFixed(1)} ms in all (any thread), longest ${longest.toFixed(2)} ms; ` +
        `mean GC ms within a slowest-1 % request's time: ${inSlowest.toFixed(2)}`,
    );
  }
}

function overlapMs(of: Pause[], from: number, to: number): number {
  return of.reduce((sum, p) => sum + Math.max(0, Math.min(p.end, to) - Math.max(p.start, from)), 0);
}

function quantiles(sorted: number[]): string[] {
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  return [at(0.5), at(0.99), at(0.999), sorted[sorted.length - 1]!].map((v) => v.toFixed(2));
}
