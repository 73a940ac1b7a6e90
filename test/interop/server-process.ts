/**
 * A real XMPP server for one test file, run as a child process on a private folder and free
 * loopback ports, not as the system service: what ProsodyServer and EjabberdServer share. A
 * subclass says how to spawn its server, how to stop it, and how to register an account; this
 * starts it until both ports accept, restarts it, and disposes of it with its folder.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoggingServer } from './server-log.js';
import { waitForPorts } from './server-ports.js';

/** Last lines of the server's log quoted when it does not start. */
const FAILED_START_LOG_LINES = 30;

export abstract class ServerProcess extends LoggingServer {
  private child: ChildProcess | undefined;

  protected constructor(
    private readonly name: string,
    readonly dir: string,
    readonly c2sPort: number,
    readonly componentPort: number,
    /** ms for the server to open both ports. */
    private readonly startTimeoutMs: number,
  ) {
    super(name);
  }

  get c2sService(): string {
    return `xmpp://127.0.0.1:${this.c2sPort}`;
  }

  get componentService(): string {
    return `xmpp://127.0.0.1:${this.componentPort}`;
  }

  /** An account on the server's user domain. */
  abstract register(username: string, password: string): void;

  /** The server restarts: the process stops and starts again on the same config, ports and data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.run();
  }

  /** Stops the server and removes its folder. */
  async dispose(): Promise<void> {
    try {
      await this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Spawns the server and waits until both ports accept; if they do not, stops it and quotes its log. */
  protected async run(): Promise<void> {
    const child = this.spawnServer();
    this.child = child;
    this.log.follow(child);
    try {
      await waitForPorts(this.name, [this.c2sPort, this.componentPort], child, this.startTimeoutMs);
    } catch (e) {
      await this.stop();
      throw new Error(`${(e as Error).message}; ${this.name} said:\n${this.tail(FAILED_START_LOG_LINES)}`);
    }
  }

  /** Starts the server process, its stdout and stderr piped. */
  protected abstract spawnServer(): ChildProcess;

  /** Ends `child` and whatever it started; resolves once they are gone. */
  protected abstract stopServer(child: ChildProcess): Promise<void>;

  private async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await this.stopServer(child);
  }
}

/** Runs `start` on a fresh folder under the OS temp dir; removes the folder if `start` fails. */
export async function inFreshDir<T>(prefix: string, start: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await start(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** `template` with every `{{NAME}}` replaced by `values[NAME]`; a placeholder without a value is an error. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  const text = template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${whole}`);
    return value;
  });
  const left = /\{\{[A-Z0-9_]+\}\}/.exec(text);
  if (left) throw new Error(`placeholder left in the template: ${left[0]}`);
  return text;
}
