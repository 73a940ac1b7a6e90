/**
 * Every REST connection is a file descriptor, and so is every provider connection, LMDB file,
 * worker thread's event loop and log. When clients take them all, accept() and everything else
 * fail with EMFILE (issue 8 finding 3), so `rest.max_connections` is held below the process's soft
 * RLIMIT_NOFILE less `rest.reserved_file_descriptors`.
 */
import { readFileSync } from 'node:fs';

/**
 * The soft open-file limit, from Linux's /proc/self/limits ("Max open files  <soft>  <hard>  files");
 * undefined when it is unlimited or cannot be read (another OS). Node raises its soft limit to the
 * hard one as it starts, so this is the limit the process really has.
 */
export function softOpenFileLimit(limitsFile = '/proc/self/limits'): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  const n = Number(soft);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export interface ConnectionCap {
  /** Connections admitted at once. */
  readonly cap: number;
  /** Set when the configured value was lowered: what to tell the operator. */
  readonly clampedFrom?: number;
}

/** At least one connection is admitted, however low the limit: a REST port that admits none is a silent outage. */
export function connectionCap(configured: number, softLimit: number | undefined, reserved: number): ConnectionCap {
  if (softLimit === undefined || configured <= softLimit - reserved) return { cap: configured };
  return { cap: Math.max(1, softLimit - reserved), clampedFrom: configured };
}
