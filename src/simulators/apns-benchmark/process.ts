/**
 * Starts the benchmark server as a child process (so that it does not share an event loop with
 * the clients it serves), waits for its ready line, and reads its counters over stdin/stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { HeraldError } from '../../core/errors.js';
import type { ApnsBenchmarkServerOptions, ApnsBenchmarkServerStats } from './server.js';

/** Node start-up plus certificate generation on a busy 2-core machine stays well under this. */
export const READY_TIMEOUT_MS = 15_000;
/** Closing destroys every connection at once; past this the child is killed. */
export const STOP_TIMEOUT_MS = 5_000;
/** stderr kept for the error message when the child dies before it is ready. */
const STDERR_TAIL_CHARS = 2_000;

export interface ApnsBenchmarkServerProcess {
  url: string;
  port: number;
  /** The server certificate (PEM) clients must trust. */
  ca: string;
  /** Where the child wrote `ca` (removed when it stops). */
  caFile: string;
  child: ChildProcess;
  /** The child's counters now. */
  stats(): Promise<ApnsBenchmarkServerStats>;
  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves once the child has exited. */
  stop(): Promise<void>;
}

/** main.ts flags for `o` (pure). */
export function benchmarkServerArgs(o: Omit<ApnsBenchmarkServerOptions, 'tls'>): string[] {
  const args: string[] = [];
  if (o.host !== undefined) args.push('--host', o.host);
  if (o.port !== undefined) args.push('--port', String(o.port));
  if (o.maxConcurrentStreams !== undefined) args.push('--max-streams', String(o.maxConcurrentStreams));
  if (o.latencyMs !== undefined) args.push('--latency-ms', String(o.latencyMs));
  return args;
}

export function spawnApnsBenchmarkServerProcess(
  options: Omit<ApnsBenchmarkServerOptions, 'tls'> = {},
): Promise<ApnsBenchmarkServerProcess> {
  const script = fileURLToPath(new URL('./main.js', import.meta.url));
  // stdin stays open while we live: if this process dies, the server sees it end and stops.
  const child = spawn(process.execPath, [script, '--stop-on-stdin-end', ...benchmarkServerArgs(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A child that dies with a command unwritten must not crash us (EPIPE): `exit` reports it.
  child.stdin.on('error', () => {});
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  /** Stats requests in the order sent; the child answers them in that order. */
  const waiting: Array<{ resolve: (s: ApnsBenchmarkServerStats) => void; reject: (e: Error) => void }> = [];

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let ready = false;
    const fail = (detail: string): void => {
      const error = new HeraldError('HERALD_TRANSPORT', `APNS benchmark server process ${detail}: ${stderr.trim()}`);
      for (const w of waiting.splice(0)) w.reject(error);
      if (ready) return;
      ready = true;
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    lines.on('line', (line) => {
      const message = parseLine(line);
      if (!ready) {
        if (message?.event !== 'ready') return fail(`printed ${JSON.stringify(line)} instead of a ready line`);
        ready = true;
        clearTimeout(timer);
        const { url, port, caFile } = message as unknown as { url: string; port: number; caFile: string };
        resolve({ url, port, caFile, ca: readFileSync(caFile, 'utf8'), child, stats, stop });
        return;
      }
      const w = waiting.shift();
      if (message?.event === 'stats') w?.resolve({ answered: Number(message.answered), sessions: Number(message.sessions), open: Number(message.open) });
      else w?.reject(new HeraldError('HERALD_TRANSPORT', `APNS benchmark server answered ${line}`));
    });
  });

  function stats(): Promise<ApnsBenchmarkServerStats> {
    return new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new HeraldError('HERALD_TRANSPORT', 'APNS benchmark server process has exited'));
      }
      waiting.push({ resolve, reject });
      child.stdin!.write('stats\n');
    });
  }

  async function stop(): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(kill);
  }
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const r = JSON.parse(line) as unknown;
    return r !== null && typeof r === 'object' ? (r as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
