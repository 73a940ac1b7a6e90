/**
 * Runs the real `herald` command (dist/src/cli/main.js) in a child process, as an operator
 * would, with a listen probe preloaded (listen-probe.ts) and a deadline that is a failure, not a
 * wait: a command that hangs is killed and reported as such. Plus the asserts every operator
 * mistake shares: exit 1, the key (and file or variable) named, no stack trace, nothing started.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const PROBE = pathToFileURL(fileURLToPath(new URL('./listen-probe.js', import.meta.url))).href;
/** ms a failing command may take on a loaded 2-core machine (it fails in well under a second). */
export const COMMAND_DEADLINE_MS = 20_000;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The command was still running at the deadline and was killed. */
  timedOut: boolean;
  /** One entry per listen() the child made. */
  listens: string[];
}

export interface RunOptions {
  /** Variables added to a clean environment (no HERALD_* or PUSH_* from the test's own). */
  env?: NodeJS.ProcessEnv;
  /** A line on stdout after which the child is sent SIGTERM (a command that starts). */
  stopAfter?: RegExp;
  deadlineMs?: number;
}

/** The test process's environment without Herald's and MongoosePush's variables. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HERALD') && !k.startsWith('PUSH_')));
}

export function runHerald(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-probe-'));
  const listenLog = join(dir, 'listens');
  writeFileSync(listenLog, '');
  const child = spawn(process.execPath, ['--import', PROBE, MAIN, ...args], {
    env: { ...cleanEnv(), ...options.env, HERALD_TEST_LISTEN_LOG: listenLog },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let stopped = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (!stopped && options.stopAfter?.test(stdout)) {
      stopped = true; // once: a second SIGTERM would find no handler and kill it
      child.kill('SIGTERM');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.deadlineMs ?? COMMAND_DEADLINE_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      const listens = readFileSync(listenLog, 'utf8').split('\n').filter((l) => l !== '');
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, timedOut, listens });
    });
  });
}

export interface Refusal {
  /** The config key (or variable) the message must name. */
  key: string;
  /** Further text the message must contain: the file, the variable, the cause. */
  mentions?: ReadonlyArray<string | RegExp>;
  /** Text it must not contain (e.g. a file it must not blame). */
  not?: ReadonlyArray<string | RegExp>;
}

/** Exit 1 within the deadline, one message naming the key and the rest, no stack trace, nothing listening. */
export function assertRefused(result: CliResult, refusal: Refusal): void {
  const output = `exit ${result.code}, signal ${result.signal}\nstderr:\n${result.stderr}\nstdout:\n${result.stdout}`;
  assert.equal(result.timedOut, false, `the command hung until the ${COMMAND_DEADLINE_MS} ms deadline\n${output}`);
  assert.equal(result.code, 1, output);
  assert.ok(result.stderr.includes(refusal.key), `the message names ${refusal.key}\n${output}`);
  for (const m of refusal.mentions ?? []) {
    assert.ok(typeof m === 'string' ? result.stderr.includes(m) : m.test(result.stderr), `the message mentions ${m}\n${output}`);
  }
  for (const m of refusal.not ?? []) {
    assert.ok(typeof m === 'string' ? !result.stderr.includes(m) : !m.test(result.stderr), `the message does not mention ${m}\n${output}`);
  }
  assert.doesNotMatch(result.stderr, /^\s+at .+[:(]\d+/m, `no stack trace\n${output}`);
  assert.deepEqual(result.listens, [], `nothing listened\n${output}`);
  assert.doesNotMatch(result.stderr, /simulator\.started|herald\.started/, `nothing started\n${output}`);
}

/** A TOML file in `dir` from key → value tables (strings quoted as TOML basic strings). */
export function writeToml(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** `"value"` as a TOML basic string (a JSON string is one). */
export const q = (value: string): string => JSON.stringify(value);

export function exists(path: string): boolean {
  return existsSync(path);
}
