/**
 * `herald start --config FILE` from dist as a child process: its JSON log lines parsed as they
 * come, ready once it prints its REST API's address, and two ways to end it — `stop()` (SIGTERM,
 * as an operator would) and `kill9()` (what a crashed machine looks like to its peers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.js';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** ms for `herald start` to serve (LMDB, the APNS connections, REST) on a loaded machine. */
const START_TIMEOUT_MS = 20_000;
/** ms for `herald start` to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 10_000;
/** What `herald start` prints once the REST API listens (cli/start.ts). */
const SERVING = /REST API: (\S+)\/v3\//;

export interface HeraldProcessOptions {
  /** Runs node under this open-file limit (soft and hard), via prlimit(1). */
  nofile?: number;
  /** Extra node arguments before the script (e.g. --import a fault injector). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** ms to serve before it counts as failed; default START_TIMEOUT_MS. */
  startTimeoutMs?: number;
}

export interface HeraldChild {
  child: ChildProcess;
  /** Every JSON log line so far. */
  log: Array<Record<string, unknown>>;
  stderr(): string;
  /** What it printed so far (the banner: REST API, push inbox). */
  stdout(): string;
  /** `https://<bind>:<port>` of its REST API. */
  url: string;
  /** Its REST port. */
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL; resolves once it has exited. */
  kill9(): Promise<void>;
  /** SIGTERM, SIGKILL after STOP_TIMEOUT_MS; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `herald start --config <config>`; resolves once it serves, rejects with its stderr if it exits first. */
export async function startHeraldProcess(config: string, options: HeraldProcessOptions = {}): Promise<HeraldChild> {
  const node = [...(options.nodeArgs ?? []), CLI, 'start', '--config', config];
  const env = { ...process.env, ...options.env };
  const child =
    options.nofile === undefined
      ? spawn(process.execPath, node, { env })
      : spawn('prlimit', [`--nofile=${options.nofile}:${options.nofile}`, process.execPath, ...node], { env });
  const log: Array<Record<string, unknown>> = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      try {
        log.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line (a crash trace, say): kept in stderr()
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  const end = async (signal: NodeJS.Signals) => {
    if (running()) child.kill(signal);
    const deadline = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(deadline);
  };
  let url: string;
  try {
    await eventually(() => SERVING.test(stdout) || !running(), 'herald start to serve', options.startTimeoutMs ?? START_TIMEOUT_MS);
    const match = SERVING.exec(stdout);
    if (!match) throw new Error(`herald start exited ${child.exitCode ?? child.signalCode}: ${stderr}`);
    url = match[1]!;
  } catch (e) {
    await end('SIGKILL');
    throw e;
  }
  return {
    child,
    log,
    stderr: () => stderr,
    stdout: () => stdout,
    url,
    port: Number(new URL(url).port),
    exited,
    kill9: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}

/** Whether an instance's link to its XMPP server is up: its log's last word on the link. */
export function componentJoined(h: HeraldChild): boolean {
  const events = h.log.map((l) => l.event).filter((e) => e === 'component.online' || e === 'component.offline');
  return events.at(-1) === 'component.online';
}
