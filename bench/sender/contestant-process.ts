/**
 * The parent's handle on one contestant process: fork it, set it up, run a batch, close it.
 * One request at a time; a failure inside the child rejects the request with the child's stack.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContestantKind, ContestantSettings, FromContestant, RunResult, ToContestant } from './protocol.js';

/** Past this a closing child is killed (it only closes HTTP/2 sessions and an LMDB file). */
const CLOSE_TIMEOUT_MS = 10_000;

export class ContestantProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private pending: { resolve: (m: FromContestant) => void; reject: (e: Error) => void } | undefined;

  /** `extraExecArgv`: Node flags for this child only, e.g. --cpu-prof for one contestant. */
  constructor(
    readonly kind: ContestantKind,
    extraExecArgv: readonly string[] = [],
  ) {
    const script = fileURLToPath(new URL('./contestant-main.js', import.meta.url));
    // stdout stays ours (the result table); the child's progress lines go to stderr.
    this.child = fork(script, [kind], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...extraExecArgv],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (m: FromContestant) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.type === 'failed') p?.reject(new Error(`${kind}: ${m.message}`));
      else p?.resolve(m);
    });
    this.child.once('exit', (code, signal) => {
      this.pending?.reject(new Error(`${kind} process exited (${signal ?? code})`));
      this.pending = undefined;
    });
  }

  async setup(settings: ContestantSettings): Promise<void> {
    await this.request({ type: 'setup', settings });
  }

  async run(pushes: number, label: string): Promise<RunResult> {
    const m = await this.request({ type: 'run', pushes, label });
    if (m.type !== 'done') throw new Error(`${this.kind}: answered ${m.type} to run`);
    return m.result;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.connected) {
      this.child.send({ type: 'close' } satisfies ToContestant);
    }
    const kill = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await this.exited;
    clearTimeout(kill);
  }

  private request(message: ToContestant): Promise<FromContestant> {
    if (this.pending) throw new Error(`${this.kind}: one request at a time`);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(message);
    });
  }
}
