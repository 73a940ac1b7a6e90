/**
 * Starts one of the REST benchmark's servers as a child process and waits for the single JSON
 * line it prints once listening: {"event":"ready","url":"https://127.0.0.1:PORT"}. The child
 * stops when its stdin ends, so it cannot outlive this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Node start-up, Herald's LMDB and a self-signed certificate on a busy 2-core machine. */
const READY_TIMEOUT_MS = 20_000;
/** A child closes its listener and sessions; past this it is killed. */
const STOP_TIMEOUT_MS = 10_000;

export interface ReadyChild {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `script` is relative to this file's folder in dist (e.g. './herald-rest-main.js'); `nodeArgs`
 * go to node before it (e.g. `--cpu-prof`).
 */
export function startReadyChild(script: string, args: readonly string[] = [], nodeArgs: readonly string[] = []): Promise<ReadyChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, ...nodeArgs, path, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.stdin?.end();
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(kill);
  };
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (why: string): void => {
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(new Error(`${script} ${why}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${signal ?? code}) before it was ready`);
    child.once('exit', onExit);
    lines.once('line', (line) => {
      let ready: { event?: string; url?: string } = {};
      try {
        ready = JSON.parse(line) as typeof ready;
      } catch {
        // not JSON: reported below
      }
      if (ready.event !== 'ready' || typeof ready.url !== 'string') return fail(`printed ${JSON.stringify(line)}`);
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.resume();
      resolve({ url: ready.url, child, stop });
    });
  });
}

/** The child side: print the ready line, and call `close` when stdin ends (the parent let go or died). */
export function announceReady(url: string, close: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify({ event: 'ready', url })}\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    process.stdin.destroy();
    close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`closing failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.stdin.once('end', stop);
  process.stdin.once('error', stop);
  process.once('SIGTERM', stop);
  process.stdin.resume();
}
