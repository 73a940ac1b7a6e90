/**
 * Prints where the CPU of one REST request goes, from the folders `bench/rest.js --profile DIR`
 * wrote (DIR/herald, DIR/relay: one .cpuprofile per thread and window.json), one column group per
 * folder, so that a before/after or Herald/relay table can be regenerated:
 *
 *   node dist/bench/rest-profile.js DIR/herald [DIR/relay | OTHER/herald …] [--label NAME …] [--results DIR]
 *   node dist/bench/rest-profile.js FOLDER --requests N --from US --to US   (a hand-made folder)
 *
 * --requests/--from/--to stand in for window.json (a profile taken some other way: the requests
 * it served, and the window on the CLOCK_MONOTONIC µs clock the samples carry).
 *
 * After the table, a chart of each folder's µs per request by category (every thread) is written
 * to `--results` (default results/ under the current directory), named by `# chart:`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { breakdownTable, readProfileFiles, readProfileFolder, type ProfileBreakdown } from './rest/profile-breakdown.js';
import { breakdownSvg } from './rest/profile-chart.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    label: { type: 'string', multiple: true },
    requests: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    ...RESULTS_OPTION,
  },
});
if (positionals.length === 0) {
  throw new Error('usage: rest-profile.js FOLDER [FOLDER …] [--label NAME …] [--requests N --from US --to US]');
}
const labels = values.label ?? [];
const runs: ProfileBreakdown[] = positionals.map((folder, i) => {
  const label = labels[i];
  if (existsSync(join(folder, 'window.json'))) return readProfileFolder(folder, label);
  const requests = Number(values.requests);
  const from = values.from === undefined ? Number.NEGATIVE_INFINITY : Number(values.from);
  const to = values.to === undefined ? Number.POSITIVE_INFINITY : Number(values.to);
  if (!(requests > 0)) throw new Error(`${folder} has no window.json: give --requests N (and --from/--to to cut the window)`);
  return readProfileFiles(folder, { requests, windows: [{ fromUs: from, toUs: to }] }, label);
});
console.log(`# CPU per REST request by category, from ${positionals.join(', ')}`);
console.log(breakdownTable(runs));
writeChart(values.results, 'rest-profile', breakdownSvg(runs));
