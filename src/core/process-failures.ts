/**
 * What `herald start` does with a failure no handler caught. Only the CLI installs this: the
 * embedding API never touches process handlers, since the host owns its process.
 *
 * - An uncaught exception unwound the stack through code that did not expect it, so the process
 *   state can no longer be trusted (Node: "it is not safe to resume normal operation after
 *   'uncaughtException'"). Policy: one log line naming it (code HERALD_UNCAUGHT_EXCEPTION, the
 *   message redacted like every line, the stack frames), the log flushed, then exit with
 *   UNCAUGHT_EXIT_CODE so the supervisor (systemd `Restart=on-failure`, a container runtime)
 *   starts a fresh process. Acknowledged registrations are safe: LMDB writes are awaited until durable.
 * - An unhandled rejection lost the work of one promise chain, but no frame was unwound half-way:
 *   the process state is what it was. Policy: keep running, log it (code
 *   HERALD_UNHANDLED_REJECTION; repeats folded (core/aggregated-log.ts), since a request path that leaks
 *   rejections can be driven at will) and count it for /metrics
 *   (`herald_process_unhandled_rejections_total`), so that an operator alerts on it. Exiting
 *   instead (Node's default) would let any peer who finds such a path stop push for everyone.
 */
import { foldRepeats } from './aggregated-log.js';
import type { Logger } from './log.js';

/** sysexits.h EX_SOFTWARE, "internal software error": apart from 1 (bad configuration, failed start). */
const UNCAUGHT_EXIT_CODE = 70;
/**
 * ms the log may take to flush before the process exits anyway. Herald's own logger writes each
 * line synchronously on fd 2 (core/log.ts); the wait covers anything else written on stderr, and
 * only matters for a stalled reader.
 */
const EXIT_FLUSH_MAX_MS = 1_000;
/** ms over which repeated unhandled rejections are folded into one log line. */
const REJECTION_LOG_INTERVAL_MS = 60_000;
/** Stack frames logged with an uncaught exception: enough to find the throw, bounded for the log. */
const MAX_STACK_FRAMES = 20;

export interface ProcessFailureCounts {
  unhandledRejections: number;
}

let installed: ProcessFailureCounts | undefined;

/** The counts for /metrics while the handlers are installed; undefined otherwise (embedded Herald). */
export function processFailureCounts(): Readonly<ProcessFailureCounts> | undefined {
  return installed;
}

export interface ProcessFailureHandlers {
  readonly counts: Readonly<ProcessFailureCounts>;
  uninstall(): void;
}

/** Installs the policy above; `exit` is process.exit unless replaced. Once per process. */
export function installProcessFailureHandlers(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): ProcessFailureHandlers {
  if (installed) throw new Error('process failure handlers are installed already');
  const counts: ProcessFailureCounts = { unhandledRejections: 0 };
  installed = counts;
  const rejections = foldRepeats(log, REJECTION_LOG_INTERVAL_MS);
  let exiting = false;

  const onException = (error: unknown, origin: string): void => {
    if (exiting) return; // a second throw while flushing changes nothing
    exiting = true;
    rejections.flush();
    log.error('process.uncaught_exception', {
      code: 'HERALD_UNCAUGHT_EXCEPTION',
      origin,
      error: describe(error),
      stack: frames(error),
      exit_code: UNCAUGHT_EXIT_CODE,
    });
    const timer = setTimeout(() => exit(UNCAUGHT_EXIT_CODE), EXIT_FLUSH_MAX_MS);
    process.stderr.write('', () => {
      clearTimeout(timer);
      exit(UNCAUGHT_EXIT_CODE);
    });
  };
  const onRejection = (reason: unknown): void => {
    counts.unhandledRejections++;
    rejections.error('process.unhandled_rejection', { code: 'HERALD_UNHANDLED_REJECTION', error: describe(reason), stack: frames(reason) });
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    counts,
    uninstall() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
      rejections.flush();
      installed = undefined;
    },
  };
}

/** An Error as the logger redacts it ({message, code}); anything else thrown as a string. */
function describe(thrown: unknown): unknown {
  if (thrown instanceof Error) return thrown;
  try {
    return String(thrown);
  } catch {
    return 'an unprintable value';
  }
}

/** The `at …` lines of an Error's stack (the message line is left out: `error` carries it, redacted). */
function frames(thrown: unknown): string[] | undefined {
  if (!(thrown instanceof Error) || typeof thrown.stack !== 'string') return undefined;
  return thrown.stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, MAX_STACK_FRAMES)
    .map((line) => line.trim());
}
