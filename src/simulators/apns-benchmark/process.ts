/**
 * Starts the benchmark server as a child process (so that it does not share an event loop with
 * the clients it serves), waits for its ready line, and reads its counters over stdin/stdout.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HeraldError } from '../../core/errors.js';
import { spawnServerProcess } from '../shared/server-process.js';
import type { ApnsBenchmarkServerOptions, ApnsBenchmarkServerStats } from './server.js';

export { READY_TIMEOUT_MS, STOP_TIMEOUT_MS } from '../shared/server-process.js';

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
function benchmarkServerArgs(o: Omit<ApnsBenchmarkServerOptions, 'tls'>): string[] {
  const args: string[] = [];
  if (o.host !== undefined) args.push('--host', o.host);
  if (o.port !== undefined) args.push('--port', String(o.port));
  if (o.maxConcurrentStreams !== undefined) args.push('--max-streams', String(o.maxConcurrentStreams));
  if (o.latencyMs !== undefined) args.push('--latency-ms', String(o.latencyMs));
  return args;
}

export async function spawnApnsBenchmarkServerProcess(
  options: Omit<ApnsBenchmarkServerOptions, 'tls'> = {},
): Promise<ApnsBenchmarkServerProcess> {
  const name = 'APNS benchmark server process';
  const server = await spawnServerProcess(name, fileURLToPath(new URL('./main.js', import.meta.url)), benchmarkServerArgs(options));
  const { child } = server;
  /** Stats requests in the order sent; the child answers them in that order. */
  const waiting: Array<{ resolve: (s: ApnsBenchmarkServerStats) => void; reject: (e: Error) => void }> = [];
  child.once('exit', (code, signal) => {
    const error = new HeraldError('HERALD_TRANSPORT', `${name} exited (${signal ?? code}): ${server.stderrTail()}`);
    for (const w of waiting.splice(0)) w.reject(error);
  });
  server.lines.on('line', (line) => {
    const message = parseLine(line);
    const w = waiting.shift();
    if (message?.event === 'stats') w?.resolve({ answered: Number(message.answered), sessions: Number(message.sessions), open: Number(message.open) });
    else w?.reject(new HeraldError('HERALD_TRANSPORT', `APNS benchmark server answered ${line}`));
  });
  const stats = (): Promise<ApnsBenchmarkServerStats> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new HeraldError('HERALD_TRANSPORT', `${name} has exited`));
      }
      waiting.push({ resolve, reject });
      child.stdin!.write('stats\n');
    });
  const { url, port, ca, caFile, stop } = server;
  return { url, port, ca, caFile, child, stats, stop };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const r = JSON.parse(line) as unknown;
    return r !== null && typeof r === 'object' ? (r as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
