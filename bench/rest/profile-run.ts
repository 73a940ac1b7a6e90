/**
 * `bench/rest.js --profile DIR`: where a request's microseconds go. Each server (Herald, the bare
 * relay) runs alone, under `node --cpu-prof` (worker threads inherit it: one .cpuprofile per
 * thread), is warmed up, then loaded for the measured window; the window's bounds on the
 * monotonic clock that V8 stamps samples with (process.hrtime here), the requests answered in it
 * and the server's CPU by /proc are saved as DIR/<target>/window.json beside the profiles, which
 * the child writes as it exits. `node dist/bench/rest-profile.js DIR/<target>` reads them again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoad } from './load.js';
import { processCpuMs } from '../sender/process-cpu.js';
import { startReadyChild } from './ready-child.js';
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
  durationS: number;
  warmupS: number;
  /** The APNS server's process, for its CPU per request. */
  apnsPid: number | undefined;
}

/** Profiles each target in turn; returns each target's folder (profiles + window.json). */
export async function profileTargets(targets: readonly ProfiledTarget[], o: ProfileRunOptions): Promise<string[]> {
  const folders: string[] = [];
  for (const t of targets) {
    const folder = join(o.dir, t.name);
    mkdirSync(folder, { recursive: true });
    const child = await startReadyChild(t.script, t.args, ['--cpu-prof', '--cpu-prof-dir', folder]);
    let window: ProfileWindow;
    try {
      if (o.warmupS > 0) await runLoad({ url: child.url, connections: o.connections, durationS: o.warmupS });
      const pids = [child.child.pid, o.apnsPid];
      const cpuBefore = pids.map(processCpuMs);
      const fromUs = monotonicUs();
      const load = await runLoad({ url: child.url, connections: o.connections, durationS: o.durationS });
      const toUs = monotonicUs();
      const cpuAfter = pids.map(processCpuMs);
      const requests = Object.values(load.statuses).reduce((a, b) => a + b, 0);
      if (requests === 0 || load.non2xx > load.tooMany || load.errors > 0) {
        throw new Error(`${t.name} answered ${JSON.stringify(load.statuses)} with ${load.errors} connection errors`);
      }
      const perRequest = (i: number) => ((cpuAfter[i]! - cpuBefore[i]!) * 1000) / requests;
      window = {
        target: t.name,
        fromUs,
        toUs,
        requests,
        reqPerSec: load.reqPerSec,
        processCpuUsPerRequest: perRequest(0),
        apnsServerCpuUsPerRequest: perRequest(1),
      };
    } finally {
      await child.stop(); // the profiles are written as the child exits
    }
    writeFileSync(join(folder, 'window.json'), `${JSON.stringify(window, null, 2)}\n`);
    folders.push(folder);
  }
  return folders;
}

/** V8 stamps profile samples with this clock (CLOCK_MONOTONIC in µs), shared by every process. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
