/** A real server's output, line by line, for tests that wait on what it logs. */
import type { ChildProcess } from 'node:child_process';

/** Lines kept (a long suite must not grow without bound; marks stay valid past the cut). */
const MAX_LOG_LINES = 20_000;
/** What `waitForLog` waits by default, ms. */
const DEFAULT_WAIT_MS = 10_000;

interface LogWaiter {
  pattern: RegExp;
  resolve: (line: string) => void;
}

export class ServerLog {
  private readonly lines: string[] = [];
  /** Lines dropped from the front of `lines` (so marks stay valid). */
  private dropped = 0;
  private waiters: LogWaiter[] = [];

  /** `name` for messages, e.g. 'Prosody'. */
  constructor(private readonly name: string) {}

  /** Reads `child`'s stdout and stderr from now on. */
  follow(child: ChildProcess): void {
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) this.onLine(line);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  }

  /** A position in the log: `waitForLog` looks at lines after it. */
  mark(): number {
    return this.dropped + this.lines.length;
  }

  /** Resolves with the first line after `since` matching `pattern`; rejects after `timeoutMs`. */
  waitForLog(pattern: RegExp, since: number, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    const seen = this.since(since).find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: LogWaiter = {
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name} did not log ${pattern} within ${timeoutMs} ms; last lines:\n${this.tail(30)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Whether a line after `since` matches `pattern`. */
  logged(pattern: RegExp, since: number): boolean {
    return this.since(since).some((l) => pattern.test(l));
  }

  tail(count: number): string {
    return this.lines.slice(-count).join('\n');
  }

  private since(mark: number): string[] {
    return this.lines.slice(Math.max(0, mark - this.dropped));
  }

  private onLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LOG_LINES) {
      this.lines.shift();
      this.dropped++;
    }
    const matched = this.waiters.filter((w) => w.pattern.test(line));
    if (matched.length === 0) return;
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const w of matched) w.resolve(line);
  }
}

/** A server harness whose tests wait on its log: the log's queries, on the server itself. */
export abstract class LoggingServer {
  protected readonly log: ServerLog;

  constructor(name: string) {
    this.log = new ServerLog(name);
  }

  /** A position in the log: `waitForLog` looks at lines after it. */
  mark(): number {
    return this.log.mark();
  }

  /** Resolves with the first line after `since` matching `pattern`; rejects after `timeoutMs`. */
  waitForLog(pattern: RegExp, since: number, timeoutMs?: number): Promise<string> {
    return this.log.waitForLog(pattern, since, timeoutMs);
  }

  /** Whether a line after `since` matches `pattern`. */
  logged(pattern: RegExp, since: number): boolean {
    return this.log.logged(pattern, since);
  }

  tail(count: number): string {
    return this.log.tail(count);
  }
}
