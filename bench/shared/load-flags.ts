/**
 * The flags of the autocannon benchmarks (rest.ts, instances.ts): how long each measured run
 * lasts, with how many connections, in how many paired rounds, after how long a warm-up.
 */
import { intFlag } from './int-flag.js';

/** For parseArgs' `options`: each a string, checked by `loadFlags`. */
export const LOAD_OPTIONS = {
  duration: { type: 'string', default: '10' },
  connections: { type: 'string', default: '50' },
  rounds: { type: 'string', default: '4' },
  warmup: { type: 'string', default: '3' },
} as const;

export interface LoadFlags {
  durationS: number;
  connections: number;
  rounds: number;
  warmupS: number;
}

export function loadFlags(values: { duration?: string; connections?: string; rounds?: string; warmup?: string }): LoadFlags {
  return {
    durationS: intFlag('--duration', values.duration, 1),
    connections: intFlag('--connections', values.connections, 1),
    rounds: intFlag('--rounds', values.rounds, 1),
    warmupS: intFlag('--warmup', values.warmup, 0),
  };
}

/** The header line stating them. */
export function loadFlagsLine(f: LoadFlags): string {
  return `--duration ${f.durationS} --connections ${f.connections} --rounds ${f.rounds} --warmup ${f.warmupS}`;
}
