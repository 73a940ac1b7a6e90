/**
 * Starts the simulator as a child process (benchmarks keep it off the sender's core) and waits
 * for its ready line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { HeraldError } from '../../core/errors.js';

/** Node start-up plus certificate generation on a busy 2-core machine stays well under this. */
export const READY_TIMEOUT_MS = 15_000;
/** Closing destroys every session at once; past this the child is killed. */
export const STOP_TIMEOUT_MS = 5_000;
/** stderr kept for the error message when the child dies before it is ready. */
const STDERR_TAIL_CHARS = 2_000;

export interface ApnsSimulatorProcess {
  url: string;
  port: number;
  /** The server certificate (PEM) clients must trust. */
  ca: string;
  /** Where the child wrote `ca` (removed when it stops). */
  caFile: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves once the child has exited. */
  stop(): Promise<void>;
}

/** `args` are main.ts flags, e.g. ['--accept-all', '--max-streams', '1000']. */
export function spawnApnsSimulatorProcess(args: readonly string[] = []): Promise<ApnsSimulatorProcess> {
  const script = fileURLToPath(new URL('./main.js', import.meta.url));
  // stdin stays open while we live: if this process dies, the simulator sees it end and stops.
  const child = spawn(process.execPath, [script, '--stop-on-stdin-end', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let settled = false;
    const fail = (detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(new HeraldError('HERALD_TRANSPORT', `APNS simulator process ${detail}: ${stderr.trim()}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
    lines.once('line', (line) => {
      const ready = parseReadyLine(line);
      if (ready === undefined) return fail(`printed ${JSON.stringify(line)} instead of a ready line`);
      settled = true;
      clearTimeout(timer);
      child.stdout.resume();
      const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(kill);
      };
      const ca = readFileSync(ready.caFile, 'utf8');
      resolve({ url: ready.url, port: ready.port, ca, caFile: ready.caFile, child, stop });
    });
  });
}

interface ReadyLine {
  url: string;
  port: number;
  caFile: string;
}

function parseReadyLine(line: string): ReadyLine | undefined {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    const ok =
      r.event === 'ready' && typeof r.url === 'string' && typeof r.port === 'number' && typeof r.caFile === 'string';
    return ok ? (r as unknown as ReadyLine) : undefined;
  } catch {
    return undefined;
  }
}
