/** The latency benchmark's table rows and verdict lines (pure). */
import { percentiles, type Histogram } from './histogram.js';
import type { Tally } from './tally.js';

export const HEADER = [
  'path',
  'load',
  'client of',
  'scheduled /s',
  'sent /s',
  'answered /s',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'max ms',
  'p99 from send ms',
  'send lag p99 / max ms',
  'Herald CPU µs/req',
  'generator CPU µs/req',
  'failed / lost',
];

/** The target: p99 from scheduled send to answer at 50 % of the maximum. */
export const TARGET_P99_MS = 2;
export const TARGET_LOAD_PERCENT = 50;

export function ms(v: number): string {
  return v.toFixed(2);
}

function perS(v: number): string {
  return Number.isFinite(v) ? v.toFixed(0) : '–';
}

function us(v: number): string {
  return Number.isFinite(v) ? v.toFixed(0) : '–';
}

/** The closed-loop row: the maximum, and the latencies of a saturated server (send → answer). */
export function maxRow(path: string, how: string, okPerS: number, latency: Histogram, cpuUs: number, genCpuUs: number, failedLost: string): string[] {
  const l = percentiles(latency);
  return [path, `max (${how})`, 'Herald', '–', '–', perS(okPerS), ms(l.p50Ms), ms(l.p99Ms), ms(l.p999Ms), ms(l.maxMs), ms(l.p99Ms), '–', us(cpuUs), us(genCpuUs), failedLost];
}

/** An open-loop row: `herald` says whether the server measured is Herald (its CPU column). */
export function rateRow(path: string, percent: number, who: string, ratePerS: number, t: Tally, herald: boolean): string[] {
  const l = t.latencyMs;
  const lag = t.lagMs;
  return [
    path,
    `${percent} %`,
    who,
    perS(ratePerS),
    perS(t.meanSentPerS()),
    perS(t.meanAnsweredPerS()),
    ms(l.p50Ms),
    ms(l.p99Ms),
    ms(l.p999Ms),
    ms(l.maxMs),
    ms(t.fromSendMs.p99Ms),
    `${ms(lag.p99Ms)} / ${ms(lag.maxMs)}`,
    herald ? us(t.serverCpuUsPerRequest()) : '–',
    us(t.generatorCpuUsPerRequest()),
    `${t.failed} / ${t.lost}`,
  ];
}

/** The target line of one path: met only with every request of the runs answered successfully. */
export function verdict(path: string, ratePerS: number, herald: Tally, bare: Tally): string {
  const h = herald.latencyMs.p99Ms;
  const b = bare.latencyMs.p99Ms;
  const unanswered = herald.failed + herald.lost;
  const met = unanswered === 0 && herald.ok > 0 && h <= TARGET_P99_MS;
  const why = unanswered > 0 ? ` (${unanswered} requests failed or lost)` : '';
  return (
    `${path}: at ${TARGET_LOAD_PERCENT} % of the maximum (${perS(ratePerS)}/s) p99 from scheduled send to answer ${ms(h)} ms ` +
    `(APNS benchmark server alone at that rate: ${ms(b)} ms; difference ${ms(h - b)} ms; ` +
    `from the actual send, without the generator's lateness: ${ms(herald.fromSendMs.p99Ms)} ms, alone ${ms(bare.fromSendMs.p99Ms)} ms); ` +
    `target p99 ≤ ${TARGET_P99_MS} ms: ${met ? 'met' : 'NOT met'}${why}`
  );
}

export function describeFailures(failures: Record<string, number>): string {
  const entries = Object.entries(failures);
  return entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${n} × ${reason}`).join(', ');
}
