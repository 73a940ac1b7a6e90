/**
 * The per-request breakdown of a profiled REST run: the samples of every thread's .cpuprofile
 * (V8's format: a call tree, sample node ids and the µs between samples) that fall in the
 * measured windows, attributed by profile-categories.ts, in µs per answered request.
 *
 * A sample's time is the interval until the next one (as Chrome DevTools counts it). V8 samples
 * on a wall-clock tick, so a thread that waits for a core (preempted, on a machine with more
 * busy threads than cores) is charged for the wait to whatever it was doing; that shows most
 * right after it woke another thread (postMessage, a socket write waking the client). Time V8
 * does not sample at all — its GC helper threads, the profiler — is outside the sum. The process
 * CPU that /proc measured over the same windows is printed beside the sampled total.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CATEGORIES, IDLE, sampleCategory, type Category, type Frame } from './profile-categories.js';
import { table } from '../e2e/report.js';

/** What profile-run.ts records about the measured window (window.json). */
export interface ProfileWindow {
  /** The measured windows' bounds on the clock V8 stamps samples with (CLOCK_MONOTONIC, µs). */
  windows: ReadonlyArray<{ fromUs: number; toUs: number }>;
  /** Requests answered in the windows. */
  requests: number;
  /** What the run measured besides (absent for a profile taken some other way). */
  target?: string;
  reqPerSec?: number;
  /** The server process's CPU in the windows (/proc), per request. */
  processCpuUsPerRequest?: number;
  apnsServerCpuUsPerRequest?: number;
}

/** V8's .cpuprofile (the parts read here). */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: Frame; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ThreadBreakdown {
  /** 0 = the main thread (from Node's file name CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile). */
  threadId: number;
  /** µs per category in the window. */
  us: Map<Category, number>;
}

export interface ProfileBreakdown {
  label: string;
  window: ProfileWindow;
  threads: ThreadBreakdown[];
}

/** Sums one profile's samples inside the windows (each [fromUs, toUs]) by category. */
export function breakdownOf(profile: CpuProfile, windows: ProfileWindow['windows']): Map<Category, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, Category>();
  const category = (id: number): Category => {
    let known = categoryOf.get(id);
    if (known === undefined) {
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
      known = sampleCategory(stack);
      categoryOf.set(id, known);
    }
    return known;
  };
  const us = new Map<Category, number>();
  let t = profile.startTime;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i]!;
    const duration = i + 1 < samples.length ? timeDeltas[i + 1]! : profile.endTime - t;
    if (!windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue;
    const c = category(samples[i]!);
    us.set(c, (us.get(c) ?? 0) + duration);
  }
  return us;
}

/** A folder written by profile-run.ts: window.json and one .cpuprofile per thread. */
export function readProfileFolder(folder: string, label?: string): ProfileBreakdown {
  const window = JSON.parse(readFileSync(join(folder, 'window.json'), 'utf8')) as ProfileWindow;
  return readProfileFiles(folder, window, label);
}

/** Every .cpuprofile in `folder`, cut to `window`. */
export function readProfileFiles(folder: string, window: ProfileWindow, label = basename(folder)): ProfileBreakdown {
  const files = readdirSync(folder).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`${folder} holds no .cpuprofile`);
  const threads = files.map((f) => {
    const profile = JSON.parse(readFileSync(join(folder, f), 'utf8')) as CpuProfile;
    return { threadId: Number(f.split('.').at(-3)), us: breakdownOf(profile, window.windows) };
  });
  threads.sort((a, b) => a.threadId - b.threadId);
  return { label, window, threads };
}

/** µs of `c` per request on the main thread (`main` true), the other threads (false) or all (undefined). */
export function perRequest(r: ProfileBreakdown, c: Category, main?: boolean): number {
  let sum = 0;
  for (const t of r.threads) if (main === undefined || main === (t.threadId === 0)) sum += t.us.get(c) ?? 0;
  return sum / r.window.requests;
}

/**
 * One row per category, per profiled run: µs per request on the main thread, on the other
 * threads, and in all; then the sampled total, the /proc total and the throughput.
 */
export function breakdownTable(runs: readonly ProfileBreakdown[]): string {
  const fmt = (n: number) => (n === 0 ? '–' : n.toFixed(1));
  const header = ['µs of CPU per request'];
  for (const r of runs) header.push(`${r.label} main`, `${r.label} threads`, `${r.label} all`);
  const rows: string[][] = [];
  const totals = runs.map(() => ({ main: 0, threads: 0 }));
  for (const c of CATEGORIES) {
    const cells = runs.flatMap((r, i) => {
      const main = perRequest(r, c, true);
      const threads = perRequest(r, c, false);
      totals[i]!.main += main;
      totals[i]!.threads += threads;
      return [fmt(main), fmt(threads), fmt(main + threads)];
    });
    if (cells.some((x) => x !== '–')) rows.push([c, ...cells]);
  }
  rows.push(['sampled busy (sum of the above)', ...totals.flatMap((t) => [t.main.toFixed(1), t.threads.toFixed(1), (t.main + t.threads).toFixed(1)])]);
  rows.push(['idle (not counted above)', ...runs.flatMap((r) => [fmt(perRequest(r, IDLE, true)), fmt(perRequest(r, IDLE, false)), ''])]);
  const measured = (label: string, f: (w: ProfileWindow) => number | undefined, digits: number) =>
    rows.push([label, ...runs.flatMap((r) => ['', '', f(r.window)?.toFixed(digits) ?? ''])]);
  measured('process CPU by /proc, profiler on', (w) => w.processCpuUsPerRequest, 1);
  measured('APNS server CPU by /proc', (w) => w.apnsServerCpuUsPerRequest, 1);
  measured('req/s (profiler on)', (w) => w.reqPerSec, 0);
  rows.push(['requests in the window', ...runs.flatMap((r) => ['', '', String(r.window.requests)])]);
  return table(header, rows);
}
