/**
 * CPU time of another process (the APNS server, PostgreSQL), from Linux's /proc/<pid>/stat:
 * utime + stime, fields 14 and 15 (proc(5)), in clock ticks. Undefined where /proc is not there.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** sysconf(_SC_CLK_TCK): 100 on every Linux architecture Node runs on (USER_HZ). */
const CLOCK_TICKS_PER_S = 100;

export function processCpuMs(pid: number | undefined): number | undefined {
  const fields = pid === undefined ? undefined : statFields(pid);
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  return fields && ticksMs(Number(fields[11]) + Number(fields[12]));
}

/**
 * CPU time of a server that forks a process per connection (PostgreSQL's postmaster): the
 * parent's own, its children's that ended (cutime and cstime, fields 16 and 17: a parent that
 * waits for its children, as the postmaster does, is charged their time), and the time of the
 * children alive now (ppid, field 4).
 */
export function processTreeCpuMs(pid: number | undefined): number | undefined {
  const fields = pid === undefined ? undefined : statFields(pid);
  if (!fields) return undefined;
  let ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = statFields(Number(entry));
    if (child && Number(child[1]) === pid) ticks += Number(child[11]) + Number(child[12]);
  }
  return ticksMs(ticks);
}

/** The fields of /proc/<pid>/stat from field 3 (state) on; undefined when the process is gone or /proc is not there. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function ticksMs(ticks: number): number | undefined {
  return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_S : undefined;
}
