/**
 * `bench/rest.js --profile DIR`: where a request's microseconds go. Every server profiled (Herald,
 * a --baseline build, the bare relay) runs under `node --cpu-prof` (worker threads inherit it:
 * one .cpuprofile per thread) for the whole run, and the load takes them in turn, in rounds whose
 * order rotates, as the throughput benchmark does: on a shared machine whose speed drifts, every
 * target is measured across the same stretch of time. Each measured window's bounds on the
 * monotonic clock V8 stamps samples with (process.hrtime here), the requests answered and the
 * server's CPU by /proc go to DIR/<target>/window.json beside the profiles, which each child
 * writes as it exits. `node dist/bench/rest-profile.js DIR/<target> …` reads them again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad, type LoadSummary } from './load.js';
import { processCpuMs } from '../sender/process-cpu.js';
import { startReadyChild, type ReadyChild } from './ready-child.js';
import type { ProfileWindow } from './profile-breakdown.js';

export interface ProfiledTarget {
  /** Folder name under the profile directory, and the label in the report. */
  name: string;
  script: string;
  args: readonly string[];
}

export interface ProfileRunOptions {
  dir: string;
  connections: number;
  /** Seconds of load per target and round. */
  durationS: number;
  rounds: number;
  warmupS: number;
  /** The APNS server's process, for its CPU per request. */
  apnsPid: number | undefined;
}

interface Tally {
  windows: Array<{ fromUs: number; toUs: number }>;
  requests: number;
  seconds: number;
  serverCpuMs: number;
  apnsCpuMs: number;
}

/** Profiles the targets in rotated rounds; returns each target's folder (profiles + window.json). */
export async function profileTargets(targets: readonly ProfiledTarget[], o: ProfileRunOptions): Promise<string[]> {
  const folders = targets.map((t) => join(o.dir, t.name));
  for (const f of folders) mkdirSync(f, { recursive: true });
  const children: ReadyChild[] = [];
  const tallies: Tally[] = targets.map(() => ({ windows: [], requests: 0, seconds: 0, serverCpuMs: 0, apnsCpuMs: 0 }));
  try {
    for (const [i, t] of targets.entries()) {
      children.push(await startReadyChild(t.script, t.args, ['--cpu-prof', '--cpu-prof-dir', folders[i]!]));
    }
    if (o.warmupS > 0) for (const c of children) checked(await runLoad({ url: c.url, connections: o.connections, durationS: o.warmupS }), 'warm-up');
    for (let round = 0; round < o.rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (k + round) % targets.length;
        const child = children[i]!;
        const tally = tallies[i]!;
        const cpuBefore = [processCpuMs(child.child.pid), processCpuMs(o.apnsPid)];
        const fromUs = monotonicUs();
        const load = checked(await runLoad({ url: child.url, connections: o.connections, durationS: o.durationS }), targets[i]!.name);
        const toUs = monotonicUs();
        const cpuAfter = [processCpuMs(child.child.pid), processCpuMs(o.apnsPid)];
        tally.windows.push({ fromUs, toUs });
        tally.requests += answered(load);
        tally.seconds += (toUs - fromUs) / 1e6;
        tally.serverCpuMs += cpuAfter[0]! - cpuBefore[0]!;
        tally.apnsCpuMs += cpuAfter[1]! - cpuBefore[1]!;
        process.stderr.write(`  profile round ${round + 1} ${targets[i]!.name}: ${load.reqPerSec.toFixed(0)} req/s\n`);
      }
    }
  } finally {
    await Promise.all(children.map((c) => c.stop())); // the profiles are written as the children exit
  }
  targets.forEach((t, i) => {
    const tally = tallies[i]!;
    const window: ProfileWindow = {
      target: t.name,
      windows: tally.windows,
      requests: tally.requests,
      reqPerSec: tally.requests / tally.seconds,
      processCpuUsPerRequest: (tally.serverCpuMs * 1000) / tally.requests,
      apnsServerCpuUsPerRequest: (tally.apnsCpuMs * 1000) / tally.requests,
    };
    writeFileSync(join(folders[i]!, 'window.json'), `${JSON.stringify(window, null, 2)}\n`);
  });
  return folders;
}

function answered(load: LoadSummary): number {
  return Object.values(load.statuses).reduce((a, b) => a + b, 0);
}

/** A window with failures measured the wrong thing (429s from Herald's backpressure excepted). */
function checked(load: LoadSummary, what: string): LoadSummary {
  if (answered(load) === 0 || load.non2xx > load.tooMany || load.errors > 0) {
    throw new Error(`${what}: answered ${JSON.stringify(load.statuses)} with ${load.errors} connection errors`);
  }
  return load;
}

/** V8 stamps profile samples with this clock (CLOCK_MONOTONIC in µs), shared by every process. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
