/**
 * Stage marks for the latency bench (issue 9), off unless the environment names a directory in
 * HERALD_LATENCY_TRACE. A mark is (stage, key, time): the key is the IQ id of a publish (the
 * App Server tags the objects a publish becomes with it, so the push service's marks carry it
 * too), the time `process.hrtime.bigint()` — one monotonic clock for every thread and process
 * of the machine, so the bench joins its own marks with Herald's main thread's and shards' by
 * key (bench/latency/trace-report.ts). Each thread appends its marks to its own file
 * (`<dir>/<pid>-<threadId>.tsv`), once per FLUSH_EVERY_MS and at a normal exit, in one
 * synchronous write to the page cache (tens of µs): the hot path only pushes a line into an
 * array. Each garbage collection of a traced thread is marked too (stage `gc`, key =
 * `<ms>/<kind>`, time = its start), so that the report can tell a pause from a slow stage.
 * Disabled, every call is one boolean test. The shard marks are a sharded Herald's (the
 * default, shards.count ≥ 1); with the roles on the main thread a publish lacks them.
 */
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';

const dir = process.env.HERALD_LATENCY_TRACE;

/** True when marks are recorded (HERALD_LATENCY_TRACE names a directory). */
export const tracing = dir !== undefined && dir !== '';

/** ms between writes of the marks gathered: short enough that a shard terminated at the end loses little. */
const FLUSH_EVERY_MS = 200;

/** perf_hooks NODE_PERFORMANCE_GC_* kinds. */
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

let lines: string[] = [];
let fd: number | undefined;
let ticker: NodeJS.Timeout | undefined;

/** The key each traced object carries (a publish, the notification made of it, the request made of that). */
const keys = new WeakMap<object, string>();

/** Records that the request `key` reached `stage` now. */
export function mark(stage: string, key: string | undefined): void {
  if (!tracing || key === undefined) return;
  lines.push(`${stage}\t${key}\t${process.hrtime.bigint()}\n`);
  if (!ticker) start();
}

/** `to` was made from `from`: marks made with `keyOf(to)` count for the request of `from`. */
export function carryKey(from: object, to: object): void {
  if (!tracing) return;
  const key = keys.get(from);
  if (key !== undefined) keys.set(to, key);
}

/** Tags `target` as request `key`. */
export function tagKey(target: object, key: string | undefined): void {
  if (tracing && key !== undefined) keys.set(target, key);
}

export function keyOf(target: object): string | undefined {
  return tracing ? keys.get(target) : undefined;
}

function start(): void {
  fd = openSync(join(dir!, `${process.pid}-${threadId}.tsv`), 'a');
  ticker = setInterval(flush, FLUSH_EVERY_MS);
  ticker.unref();
  process.once('exit', flush);
  new PerformanceObserver((list) => {
    const now = process.hrtime.bigint();
    const nowMs = performance.now();
    for (const gc of list.getEntries()) {
      const startedAt = now - BigInt(Math.round((nowMs - gc.startTime) * 1e6));
      const kind = ((gc as { detail?: { kind?: number } }).detail)?.kind ?? 0;
      lines.push(`gc\t${gc.duration.toFixed(3)}/${GC_KINDS[kind] ?? kind}\t${startedAt}\n`);
    }
  }).observe({ entryTypes: ['gc'] });
}

function flush(): void {
  if (lines.length === 0 || fd === undefined) return;
  const batch = lines.join('');
  lines = [];
  writeSync(fd, batch);
}
