/** Times checked cases with tinybench and keeps one result row per case. */
import { Bench, type Fn, type FnReturnedObject } from 'tinybench';
import type { MicroCase } from './case.js';

export interface TimingOptions {
  /** Time budget per case in ms (tinybench `time`). */
  timeMs: number;
  /** Warm-up budget per case in ms (tinybench `warmupTime`), not counted in the results. */
  warmupMs: number;
}

export interface ResultRow {
  name: string;
  /** 1e6 / mean µs: the rate the mean latency stands for. */
  opsPerSecond: number;
  meanUs: number;
  p99Us: number;
  /** Relative margin of error of the mean, % (95% confidence). */
  rmePercent: number;
  samples: number;
  batch: number;
  warnings: string[];
}

/** Kept results of timed calls: read at the end so the engine cannot drop the work. */
let sink: unknown;

export function lastResult(): unknown {
  return sink;
}

function taskFn(c: MicroCase, bench: Bench): Fn {
  const batch = c.batch ?? 1;
  if (c.async) {
    return async () => {
      sink = await c.run();
    };
  }
  if (batch === 1) {
    return () => {
      sink = c.run();
    };
  }
  return (): FnReturnedObject => {
    const start = bench.now();
    for (let i = 0; i < batch; i++) sink = c.run();
    const elapsedMs = bench.now() - start;
    return { overriddenDuration: elapsedMs / batch, overriddenIterationCost: elapsedMs };
  };
}

/** Times each case (already checked by the caller) and returns its statistics. */
export async function timeCases(cases: readonly MicroCase[], options: TimingOptions): Promise<ResultRow[]> {
  const bench = new Bench({
    time: options.timeMs,
    warmupTime: options.warmupMs,
    timestampProvider: 'hrtimeNow',
    // Removes the cost of the hrtime call itself from each single-call sample.
    subtractTimerOverhead: true,
    throws: true,
  });
  const warnings = new Map<string, string[]>();
  bench.addEventListener('warning', (evt) => {
    const name = evt.task?.name ?? '?';
    warnings.set(name, [...(warnings.get(name) ?? []), `timer saturated (${String(evt.reason)})`]);
  });
  for (const c of cases) bench.add(c.name, taskFn(c, bench), { async: c.async });
  await bench.run();

  return cases.map((c) => {
    const result = bench.getTask(c.name)?.result;
    if (result?.state !== 'completed') {
      const why = result?.state === 'errored' ? result.error.message : result?.state;
      throw new Error(`${c.name}: ${why}`);
    }
    const meanUs = result.latency.mean * 1000;
    return {
      name: c.name,
      opsPerSecond: 1e6 / meanUs,
      meanUs,
      p99Us: result.latency.p99 * 1000,
      rmePercent: result.latency.rme,
      samples: result.latency.samplesCount,
      batch: c.batch ?? 1,
      warnings: warnings.get(c.name) ?? [],
    };
  });
}
