/**
 * Where the benchmarks write their charts (issue 12, item 5): `--results DIR`, by default
 * `results/` under the current directory (ignored by git: results are a run's, not the code's).
 * Each chart's path is printed as `# chart: <path>` after the table it draws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** For parseArgs' `options`. */
export const RESULTS_OPTION = { results: { type: 'string', default: 'results' } } as const;

/**
 * Writes `svg` as `<dir>/<name>-<UTC time>.svg` (a later run never overwrites an earlier one) and
 * prints its `# chart:` line; returns the path.
 */
export function writeChart(dir: string, name: string, svg: string, at = new Date()): string {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const path = join(folder, `${name}-${stamp}.svg`);
  writeFileSync(path, svg);
  console.log(`# chart: ${path}`);
  return path;
}
