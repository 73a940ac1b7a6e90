/**
 * A private ejabberd for one test file: Debian's `ejabberdctl foreground` on a rendered copy of
 * ejabberd.yml, with its own config folder, Mnesia spool, log folder, Erlang node name and
 * cookie, and free loopback ports — not the system service. Erlang distribution (which
 * `ejabberdctl register` uses to reach the node) listens on a fixed loopback port
 * (`ERL_DIST_PORT`), so no epmd is started or shared with another ejabberd. Run as the `ejabberd`
 * user (ejabberdctl accepts only it or root, and switches root to it with su). Its console log is
 * kept (the last lines) so tests can wait for what it says.
 *
 * ejabberd missing is a failure, never a skip: `.ci/run` installs it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoggingServer } from '../server-log.js';
import { chownTree, waitForPorts } from '../server-ports.js';
import { freePorts } from '../../support/loopback.js';
import { renderTemplate } from '../prosody/prosody-server.js';
import { eventually } from '../../support/eventually.js';

/** The template in the source tree (tests run from dist/test/interop/ejabberd). */
export const CONFIG_TEMPLATE = fileURLToPath(new URL('../../../../test/interop/ejabberd/ejabberd.yml', import.meta.url));
export const COMPONENT_DOMAIN = 'push.localhost';
export const USER_DOMAIN = 'localhost';

const EJABBERDCTL = '/usr/sbin/ejabberdctl';
/** Debian's resolver settings for the Erlang VM (`localhost` → 127.0.0.1); copied into the private config folder. */
const SYSTEM_INETRC = '/etc/ejabberd/inetrc';
/** ms for ejabberd to open its ports: it starts in about 2 s, a loaded CI machine is slower. */
const START_TIMEOUT_MS = 30_000;
/** ms for the Erlang VM to stop after SIGTERM (init:stop) before it is killed. */
const STOP_TIMEOUT_MS = 15_000;
/** ms for one `ejabberdctl register` (it boots a second, hidden Erlang node: ~1.5 s). */
const EJABBERDCTL_TIMEOUT_MS = 30_000;

const INSTALL_HINT = '.ci/run installs it (apt-get install -y --no-install-recommends ejabberd); run that once on this machine';

const running = new Set<number>();
// A test process that dies must not leave an ejabberd behind (its process group: ejabberdctl and the VM).
process.once('exit', () => {
  for (const pgid of running) killGroup(pgid, 'SIGKILL');
});

export class EjabberdServer extends LoggingServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly c2sPort: number,
    readonly componentPort: number,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {
    super('ejabberd');
  }

  /** Renders the config into a fresh folder and starts ejabberd on free ports. */
  static async start(componentSecret: string): Promise<EjabberdServer> {
    const user = requireEjabberd();
    const dir = mkdtempSync(join(tmpdir(), 'herald-ejabberd-'));
    try {
      const [c2sPort, componentPort, distPort] = (await freePorts(3)) as [number, number, number];
      mkdirSync(join(dir, 'spool'));
      mkdirSync(join(dir, 'logs'));
      writeFileSync(
        join(dir, 'ejabberd.yml'),
        renderTemplate(readFileSync(CONFIG_TEMPLATE, 'utf8'), {
          C2S_PORT: String(c2sPort),
          COMPONENT_PORT: String(componentPort),
          COMPONENT_SECRET: componentSecret,
        }),
      );
      copyFileSync(SYSTEM_INETRC, join(dir, 'inetrc'));
      // ejabberdctl sources this instead of /etc/ejabberd/ejabberdctl.cfg (--config-dir).
      const node = `herald-${randomBytes(4).toString('hex')}@localhost`;
      writeFileSync(
        join(dir, 'ejabberdctl.cfg'),
        [
          `ERLANG_NODE=${node}`,
          `ERL_DIST_PORT=${distPort}`,
          'INET_DIST_INTERFACE=127.0.0.1',
          `ERL_OPTIONS="-setcookie ${randomBytes(16).toString('hex')}"`,
          '',
        ].join('\n'),
      );
      if (user) chownTree(dir, user);
      const server = new EjabberdServer(dir, c2sPort, componentPort, user);
      await server.run();
      return server;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  get c2sService(): string {
    return `xmpp://127.0.0.1:${this.c2sPort}`;
  }

  get componentService(): string {
    return `xmpp://127.0.0.1:${this.componentPort}`;
  }

  /** `ejabberdctl register`: an account on the host. */
  register(username: string, password: string): void {
    execFileSync(EJABBERDCTL, [...this.ctlArgs(), 'register', username, USER_DOMAIN, password], {
      ...this.spawnOptions(),
      stdio: 'pipe',
      timeout: EJABBERDCTL_TIMEOUT_MS,
    });
  }

  /** The server restarts: the VM stops (SIGTERM) and starts again on the same config, ports and spool. */
  async restart(): Promise<void> {
    await this.stopProcess();
    await this.run();
  }

  /** Stops ejabberd and removes its folder. */
  async dispose(): Promise<void> {
    try {
      await this.stopProcess();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private ctlArgs(): string[] {
    return ['--config-dir', this.dir, '--spool', join(this.dir, 'spool'), '--logs', join(this.dir, 'logs')];
  }

  /** As the ejabberd user, at home in the private folder (ejabberdctl cds to the spool). */
  private spawnOptions(): { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv } {
    return { ...this.user, cwd: this.dir, env: { ...process.env, HOME: this.dir } };
  }

  private async run(): Promise<void> {
    // Its own process group: ejabberdctl runs the Erlang VM as a child, and both must go.
    const child = spawn(EJABBERDCTL, [...this.ctlArgs(), 'foreground'], { ...this.spawnOptions(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const pgid = child.pid!;
    running.add(pgid);
    this.log.follow(child);
    try {
      await waitForPorts('ejabberd', [this.c2sPort, this.componentPort], child, START_TIMEOUT_MS);
    } catch (e) {
      await this.stopProcess();
      throw new Error(`${(e as Error).message}; ejabberd said:\n${this.tail(30)}`);
    }
  }

  /** SIGTERM to the group (the VM stops cleanly: init:stop), SIGKILL if it is still there after STOP_TIMEOUT_MS. */
  private async stopProcess(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid) return;
    const pgid = child.pid;
    killGroup(pgid, 'SIGTERM');
    await eventually(() => !groupAlive(pgid), 'ejabberd to stop', STOP_TIMEOUT_MS, 50).catch(() => killGroup(pgid, 'SIGKILL'));
    running.delete(pgid);
  }
}

/**
 * Fails, with the way to fix it, when Debian's ejabberd is missing. Returns the user to run it
 * as: the `ejabberd` user when running as root, the current user when that is `ejabberd`.
 */
export function requireEjabberd(): { uid: number; gid: number } | undefined {
  if (!existsSync(EJABBERDCTL)) throw new Error(`ejabberd is not installed (no ${EJABBERDCTL}): ${INSTALL_HINT}`);
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'ejabberd'], { encoding: 'utf8' }).trim());
  const uid = id('-u');
  if (process.getuid?.() === 0) return { uid, gid: id('-g') };
  if (process.getuid?.() === uid) return undefined;
  throw new Error('ejabberdctl runs only as root or as the ejabberd user: run the suite as one of them');
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone already
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
