/** The REST profile breakdown drawn (issue 12, item 5): µs of CPU per request by category, a bar per profiled run. */
import { barsChart } from '../shared/svg-bars.js';
import { perRequest, type ProfileBreakdown } from './profile-breakdown.js';
import { CATEGORIES } from './profile-categories.js';

/** The categories any run spent time in (all threads), as breakdownTable lists them, then their sum. */
export function breakdownSvg(runs: readonly ProfileBreakdown[]): string {
  const rows = CATEGORIES.map((c) => ({ label: c, values: runs.map((r) => perRequest(r, c)) })).filter((row) => row.values.some((v) => v > 0));
  const busy = runs.map((_, i) => rows.reduce((sum, row) => sum + row.values[i]!, 0));
  return barsChart({
    title: 'Where the CPU of one REST request goes (every thread)',
    series: runs.map((r) => r.label),
    panels: [
      { unit: 'µs of CPU per request', rows },
      { unit: 'µs of CPU per request, sampled busy', rows: [{ label: 'sampled busy (sum of the above)', values: busy }] },
    ],
  });
}
