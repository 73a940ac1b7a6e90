/**
 * Where a CPU profile's time went, function by function: the top functions by self time (samples
 * whose innermost frame is the function) and by inclusive time (samples with the function anywhere
 * on the stack, counted once per sample however deep it recurses), in µs per operation.
 *
 *   node dist/bench/profile-functions.js FILE.cpuprofile [--ops N] [--from US --to US] [--top 30] [--results DIR]
 *   node dist/bench/profile-functions.js FILE.cpuprofile --window WINDOW.json [--top 30] [--results DIR]
 *
 * WINDOW.json (written by `bench/users.js --cpu-prof DIR`) holds `fromUs`, `toUs` on the clock
 * V8 stamps samples with (CLOCK_MONOTONIC µs) and `ops`, the operations done between them. A
 * sample's time is the interval until the next one, as profile-breakdown.ts counts it.
 *
 * After the tables, a chart of both (a panel each: the top functions' µs/op) is written to
 * `--results` (default results/ under the current directory), named by `# chart:`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { table } from './e2e/report.js';
import type { CpuProfile } from './rest/profile-breakdown.js';
import type { Frame } from './rest/profile-categories.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { barsChart, type BarPanel } from './shared/svg-bars.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    window: { type: 'string' },
    ops: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    top: { type: 'string', default: '30' },
    ...RESULTS_OPTION,
  },
});
if (positionals.length !== 1) throw new Error('usage: profile-functions.js FILE.cpuprofile [--window WINDOW.json | --ops N --from US --to US] [--top 30]');
const window = values.window
  ? (JSON.parse(readFileSync(values.window, 'utf8')) as { fromUs: number; toUs: number; ops: number })
  : { fromUs: Number(values.from ?? Number.NEGATIVE_INFINITY), toUs: Number(values.to ?? Number.POSITIVE_INFINITY), ops: Number(values.ops ?? 1) };
if (!(window.ops > 0)) throw new Error(`--ops needs a positive count, got ${values.ops}`);
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as CpuProfile;

/** A function's name as a reader finds it: name, file and line (1-based). */
const nameOf = (id: number): string => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame as Frame & { lineNumber?: number };
  const file = url ? ` ${basename(url)}:${(lineNumber ?? -1) + 1}` : '';
  return `${functionName || '(anonymous)'}${file}`;
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let t = profile.startTime;
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  t += timeDeltas[i]!;
  if (t < window.fromUs || t > window.toUs) continue;
  const duration = i + 1 < samples.length ? timeDeltas[i + 1]! : profile.endTime - t;
  const leaf = samples[i]!;
  const name = nameOf(leaf);
  if (name === '(idle)') continue;
  total += duration;
  self.set(name, (self.get(name) ?? 0) + duration);
  const seen = new Set<string>();
  for (let at: number | undefined = leaf; at !== undefined; at = parent.get(at)) {
    const frame = nameOf(at);
    if (seen.has(frame)) continue;
    seen.add(frame);
    inclusive.set(frame, (inclusive.get(frame) ?? 0) + duration);
  }
}

const topOf = (by: Map<string, number>): Array<[string, number]> => [...by].sort((a, b) => b[1] - a[1]).slice(0, top);
const rows = (by: Map<string, number>): string[][] =>
  topOf(by).map(([name, us]) => [name, (us / window.ops).toFixed(2), ((100 * us) / total).toFixed(1)]);
const panel = (what: string, by: Map<string, number>): BarPanel => ({
  unit: `by ${what} time, µs/op`,
  rows: topOf(by).map(([name, us]) => ({ label: name, values: [us / window.ops] })),
});
console.log(`# ${positionals[0]}: ${(total / 1000).toFixed(0)} ms sampled busy (idle left out) over ${window.ops} operations = ${(total / window.ops).toFixed(2)} µs per operation`);
console.log('\n## by self time');
console.log(table(['function', 'µs/op', '%'], rows(self)));
console.log('\n## by inclusive time');
console.log(table(['function', 'µs/op', '%'], rows(inclusive)));
writeChart(
  values.results,
  'profile-functions',
  barsChart({
    title: `Where the CPU went, top ${top} functions, µs per operation (${window.ops} operations)`,
    series: [basename(positionals[0]!)],
    panels: [panel('self', self), panel('inclusive', inclusive)],
  }),
);
