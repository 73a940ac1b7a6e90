/**
 * A listening server that runs out of file descriptors. libuv normally absorbs EMFILE/ENFILE on
 * accept itself: it closes a reserved descriptor, accepts the pending connections and closes them
 * at once (the clients see a reset), then reopens the reserve, and Node emits nothing. When the
 * reserve cannot be reopened (another thread took the descriptor meanwhile), every pending
 * connection makes Node emit 'error' (syscall `accept`) on the server, in a loop that runs until
 * a descriptor frees up, while the server stays listening.
 *
 * Guarded, such an error is logged (code HERALD_ACCEPT_FAILED, one line per interval with the
 * count) and the server stops listening for `pauseMs`, which ends that loop; then it listens
 * again on the same address and port, retrying after each `pauseMs` for as long as it has no
 * descriptor (listen fails with EMFILE too). Connections already open are not touched. Other
 * server errors go to `onOtherError`.
 */
import type { Server } from 'node:net';
import { foldRepeats } from './aggregated-log.js';
import type { Logger } from './log.js';

const OUT_OF_DESCRIPTORS: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE']);

export interface AcceptGuardOptions {
  log: Logger;
  /** The event of the folded log lines, e.g. `rest.accept_failed`. */
  event: string;
  /** ms to stop listening after an accept failed for want of descriptors, and between attempts to listen again. */
  pauseMs: number;
  /** ms over which repeated failures are folded into one log line. */
  logIntervalMs: number;
  /** Any other 'error' of the server. */
  onOtherError: (error: Error) => void;
}

export interface AcceptGuard {
  /** Times the server stopped listening for want of descriptors (tests, metrics). */
  readonly pauses: number;
  /** No more pausing or listening again (the owner closes the server). */
  stop(): void;
}

/** Call once the server listens: its address is where it listens again. */
export function guardAccept(server: Server, options: AcceptGuardOptions): AcceptGuard {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('guardAccept: the server must listen on a TCP port');
  const failures = foldRepeats(options.log, options.logIntervalMs);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let pauses = 0;

  const listenAgain = (): void => {
    timer = undefined;
    if (stopped || server.listening) return;
    server.listen(address.port, address.address); // an EMFILE here comes back as 'error' (syscall listen)
  };
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (stopped || error.code === undefined || !OUT_OF_DESCRIPTORS.has(error.code) || !['accept', 'listen'].includes(error.syscall ?? '')) {
      options.onOtherError(error);
      return;
    }
    failures.error(options.event, { code: 'HERALD_ACCEPT_FAILED', errno: error.code, syscall: error.syscall, retry_in_ms: options.pauseMs });
    if (server.listening) {
      pauses++;
      server.close(); // closes the listening socket now; open connections carry on
    }
    if (timer === undefined) {
      timer = setTimeout(listenAgain, options.pauseMs); // ref'd: a paused listener is still the process's job
    }
  });
  return {
    get pauses() {
      return pauses;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      failures.flush();
    },
  };
}
