/**
 * Runs one compiled bench (dist/bench/<script>) as its own process with `--results` in a temp
 * folder, for the smoke tests of the benches' charts; the folder is removed after `check`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** A hung bench fails its test instead of the suite; the toy runs take seconds. */
const BENCH_TIMEOUT_MS = 60_000;

export interface BenchRun {
  script: string;
  args: readonly string[];
  /** Node's own flags, before the script: `--expose-gc`. */
  nodeArgs?: readonly string[];
}

/** Runs the bench and hands its stdout to `check` while the charts it wrote still exist. */
export async function withBenchRun<T>(b: BenchRun, check: (stdout: string) => T): Promise<T> {
  const path = fileURLToPath(new URL(`../../bench/${b.script}`, import.meta.url));
  const results = mkdtempSync(join(tmpdir(), 'herald-bench-results-'));
  try {
    const { stdout } = await run(process.execPath, [...(b.nodeArgs ?? []), path, ...b.args, '--results', results], {
      timeout: BENCH_TIMEOUT_MS,
      maxBuffer: 16 * 2 ** 20,
    });
    return check(stdout);
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
}
