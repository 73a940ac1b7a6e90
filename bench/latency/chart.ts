/**
 * The latency benchmark's charts (issue 12, item 5): for each path, p50 and p99 from scheduled send
 * to answer against the offered load, for Herald and for the APNS server alone at the same rates.
 */
import { loadChart, type Series } from '../shared/svg-chart.js';
import type { Tally } from './tally.js';

const PERCENTILES = [
  ['p50', 'p50Ms'],
  ['p99', 'p99Ms'],
] as const;

export class LatencyCurves {
  /** path → offered loads, and each `<client> <percentile>` line's values at them. */
  private readonly paths = new Map<string, { loads: number[]; lines: Map<string, number[]> }>();

  /** One open-loop measurement: `who` at `ratePerS` on `path`. Loads arrive ascending (the --rates order). */
  add(path: string, who: string, ratePerS: number, t: Tally): void {
    let curves = this.paths.get(path);
    if (!curves) this.paths.set(path, (curves = { loads: [], lines: new Map() }));
    if (curves.loads.at(-1) !== ratePerS) curves.loads.push(ratePerS);
    const l = t.latencyMs;
    for (const [label, key] of PERCENTILES) {
      const name = `${who} ${label}`;
      const values = curves.lines.get(name) ?? [];
      values.push(l[key]);
      curves.lines.set(name, values);
    }
  }

  /** One chart per path measured: its name (for the file) and the SVG. */
  charts(): Array<{ name: string; svg: string }> {
    return [...this.paths].map(([path, { loads, lines }]) => {
      const series: Series[] = [...lines].map(([name, values]) => ({ name, values }));
      const svg = loadChart({
        title: `Herald ${path} path: latency vs offered load (open loop)`,
        xLabel: 'offered load, requests/s',
        yLabel: 'scheduled send → answer, ms',
        loads,
        series,
      });
      return { name: `latency-${path}`, svg };
    });
  }
}
