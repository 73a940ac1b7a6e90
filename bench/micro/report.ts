/** The results as a Markdown table under a header that says how to repeat the run. */
import { cpus, platform, release, totalmem } from 'node:os';
import type { ResultRow } from './timing.js';

export interface RunDescription {
  /** The exact command line, as typed from the repository root. */
  command: string;
  mode: string;
  date: Date;
}

export function machineLine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${model}, ${cpu.length} cores, ${gib} GiB, ${platform()} ${release()}, Node ${process.version}`;
}

export function header(run: RunDescription): string {
  return [
    '# Herald micro-benchmarks (hot notification path)',
    '',
    `- machine: ${machineLine()}`,
    `- date: ${run.date.toISOString()}`,
    `- command: \`${run.command}\` (after \`npx tsc -p .\`)`,
    `- method: tinybench, one process, ${run.mode}; every operation is checked with node:assert before it is timed`,
  ].join('\n');
}

function fixed(n: number, digits: number): string {
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Three significant digits at least, grouped thousands. */
function micro(us: number): string {
  return fixed(us, us < 1 ? 3 : us < 10 ? 2 : us < 100 ? 1 : 0);
}

export function table(rows: readonly ResultRow[]): string {
  const head = ['task', 'ops/s', 'mean µs', '± %', 'p99 µs', 'samples'];
  const body = rows.map((r) => [
    r.batch > 1 ? `${r.name} ¹` : r.name,
    fixed(r.opsPerSecond, 0),
    micro(r.meanUs),
    fixed(r.rmePercent, 1),
    micro(r.p99Us),
    r.samples.toLocaleString('en'),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  const notes: string[] = [];
  const batches = [...new Set(rows.filter((r) => r.batch > 1).map((r) => r.batch))];
  if (batches.length > 0) {
    notes.push(`¹ sub-µs operation timed in batches of ${batches.join('/')} calls: a sample is a batch mean, so p99 is the p99 of batch means.`);
  }
  notes.push('ops/s = 1e6 / mean µs; ± % = 95% margin of error of the mean; the machine is shared, compare ratios within one run.');
  for (const r of rows) for (const w of r.warnings) notes.push(`${r.name}: ${w}`);
  return [line(head), rule, ...body.map(line), '', ...notes].join('\n');
}
