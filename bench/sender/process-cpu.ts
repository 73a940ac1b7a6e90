/**
 * CPU time of another process (the APNS server), from Linux's /proc/<pid>/stat: utime + stime,
 * fields 14 and 15 (proc(5)), in clock ticks. Undefined where /proc is not there.
 */
import { readFileSync } from 'node:fs';

/** sysconf(_SC_CLK_TCK): 100 on every Linux architecture Node runs on (USER_HZ). */
const CLOCK_TICKS_PER_S = 100;

export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_S : undefined;
  } catch {
    return undefined;
  }
}
