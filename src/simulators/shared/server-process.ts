/**
 * A simulator or benchmark server in its own process (so it does not share an event loop with
 * the clients it serves): spawned with `--stop-on-stdin-end` (if this process dies, the child sees
 * stdin end and stops), ready once it prints `{"event":"ready","url",…,"port",…,"caFile",…}`.
 * Later stdout lines are the caller's protocol (command replies, counters).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { HeraldError } from '../../core/errors.js';

/** Node start-up plus certificate generation on a busy 2-core machine stays well under this. */
export const READY_TIMEOUT_MS = 15_000;
/** Closing destroys every connection at once; past this the child is killed. */
export const STOP_TIMEOUT_MS = 5_000;
/** stderr kept for the error message when the child dies. */
const STDERR_TAIL_CHARS = 2_000;

export interface ServerProcess {
  url: string;
  port: number;
  /** The server certificate (PEM) clients must trust. */
  ca: string;
  /** Where the child wrote `ca` (removed when it stops). */
  caFile: string;
  child: ChildProcess;
  /** stdout lines after the ready line. */
  lines: Interface;
  /** The last of what the child wrote on stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves once the child has exited. */
  stop(): Promise<void>;
}

/** `name` for messages, e.g. 'APNS simulator process'; `script`: the child's main.js. */
export function spawnServerProcess(name: string, script: string, args: readonly string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [script, '--stop-on-stdin-end', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  // A child that dies with a command unwritten must not crash us (EPIPE): `exit` reports it.
  child.stdin!.on('error', () => {});
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(kill);
  };

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let settled = false;
    const fail = (detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(new HeraldError('HERALD_TRANSPORT', `${name} ${detail}: ${stderr.trim()}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before it was ready`));
    lines.once('line', (line) => {
      const ready = parseReadyLine(line);
      if (ready === undefined) return fail(`printed ${JSON.stringify(line)} instead of a ready line`);
      settled = true;
      clearTimeout(timer);
      const ca = readFileSync(ready.caFile, 'utf8');
      resolve({ ...ready, ca, child, lines, stderrTail: () => stderr.trim(), stop });
    });
  });
}

function parseReadyLine(line: string): { url: string; port: number; caFile: string } | undefined {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    const ok = r.event === 'ready' && typeof r.url === 'string' && typeof r.port === 'number' && typeof r.caFile === 'string';
    return ok ? { url: r.url as string, port: r.port as number, caFile: r.caFile as string } : undefined;
  } catch {
    return undefined;
  }
}
