/**
 * The users bench's tables drawn (issue 12, item 5): its measures, a panel per unit, and the
 * acknowledged enables through ShardedHerald by shard count. (Its thread-scaling table is
 * bench/e2e's, drawn by e2e/chart.ts.)
 */
import { barsChart, type BarPanel } from '../shared/svg-bars.js';

/** The measures table's rows charted, by unit: a row's label is its `measure` column. */
const PANELS: ReadonlyArray<{ unit: string; measures: readonly string[] }> = [
  { unit: 'per second', measures: ['acknowledged enables/s', 'messages pushed/s (random users)'] },
  { unit: 'bytes per user', measures: ['heap per idle user (B, after GC)', 'RSS per idle user (B)', 'LMDB bytes per user'] },
  { unit: 'µs of CPU', measures: ['CPU per acknowledged enable (µs)'] },
  { unit: 'ms', measures: ['start on the full store → first answer (ms)'] },
  { unit: 'count', measures: ['enables per synced commit', 'live user actors after the enables'] },
];

/** `rows`: the measures table's rows (measure, value, detail); a measure the run did not reach is left out. */
export function measuresSvg(title: string, run: string, rows: readonly string[][]): string {
  const value = new Map(rows.map((r) => [r[0]!, Number(r[1])]));
  const panels: BarPanel[] = PANELS.map((p) => ({
    unit: p.unit,
    rows: p.measures.filter((m) => value.has(m)).map((m) => ({ label: m, values: [value.get(m)!] })),
  })).filter((p) => p.rows.length > 0);
  return barsChart({ title, series: [run], panels });
}

/** `rows`: the sharded-enables table's rows (shards, enables/s, µs CPU/enable). */
export function shardedEnablesSvg(title: string, rows: readonly string[][]): string {
  const panel = (unit: string, column: number): BarPanel => ({ unit, rows: rows.map((r) => ({ label: `${r[0]} shards`, values: [Number(r[column])] })) });
  return barsChart({ title, series: ['ShardedHerald'], panels: [panel('acknowledged enables/s', 1), panel('µs of CPU per enable', 2)] });
}
