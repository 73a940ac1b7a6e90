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
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chownTree } from '../server-ports.js';
import { inFreshDir, renderTemplate, ServerProcess } from '../server-process.js';
import { freePorts } from '../../support/loopback.js';
import { eventually } from '../../support/eventually.js';
import { systemUser } from '../../support/system-user.js';

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

export class EjabberdServer extends ServerProcess {
  private constructor(
    dir: string,
    c2sPort: number,
    componentPort: number,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {
    super('ejabberd', dir, c2sPort, componentPort, START_TIMEOUT_MS);
  }

  /**
   * Renders the config into a fresh folder and starts ejabberd on free ports, logging at
   * `logLevel` (debug also says when a route is registered or unregistered). `template` is
   * another config with the same placeholders.
   */
  static async start(
    componentSecret: string,
    { logLevel = 'info', template = CONFIG_TEMPLATE }: { logLevel?: 'info' | 'debug'; template?: string } = {},
  ): Promise<EjabberdServer> {
    const user = requireEjabberd();
    return inFreshDir('herald-ejabberd-', async (dir) => {
      const [c2sPort, componentPort, distPort] = (await freePorts(3)) as [number, number, number];
      mkdirSync(join(dir, 'spool'));
      mkdirSync(join(dir, 'logs'));
      writeFileSync(
        join(dir, 'ejabberd.yml'),
        renderTemplate(readFileSync(template, 'utf8'), {
          C2S_PORT: String(c2sPort),
          COMPONENT_PORT: String(componentPort),
          COMPONENT_SECRET: componentSecret,
          LOG_LEVEL: logLevel,
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
    });
  }

  /** `ejabberdctl register`: an account on the host. */
  register(username: string, password: string): void {
    execFileSync(EJABBERDCTL, [...this.ctlArgs(), 'register', username, USER_DOMAIN, password], {
      ...this.spawnOptions(),
      stdio: 'pipe',
      timeout: EJABBERDCTL_TIMEOUT_MS,
    });
  }

  /** In its own process group: ejabberdctl runs the Erlang VM as a child, and both must go. */
  protected spawnServer(): ChildProcess {
    const child = spawn(EJABBERDCTL, [...this.ctlArgs(), 'foreground'], { ...this.spawnOptions(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child.pid!);
    return child;
  }

  /** SIGTERM to the group (the VM stops cleanly: init:stop), SIGKILL if it is still there after STOP_TIMEOUT_MS. */
  protected async stopServer(child: ChildProcess): Promise<void> {
    if (!child.pid) return;
    const pgid = child.pid;
    killGroup(pgid, 'SIGTERM');
    await eventually(() => !groupAlive(pgid), 'ejabberd to stop', STOP_TIMEOUT_MS, 50).catch(() => killGroup(pgid, 'SIGKILL'));
    running.delete(pgid);
  }

  private ctlArgs(): string[] {
    return ['--config-dir', this.dir, '--spool', join(this.dir, 'spool'), '--logs', join(this.dir, 'logs')];
  }

  /** As the ejabberd user, at home in the private folder (ejabberdctl cds to the spool). */
  private spawnOptions(): { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv } {
    return { ...this.user, cwd: this.dir, env: { ...process.env, HOME: this.dir } };
  }
}

/**
 * Fails, with the way to fix it, when Debian's ejabberd is missing. Returns the user to run it
 * as: the `ejabberd` user when running as root, the current user when that is `ejabberd`.
 */
export function requireEjabberd(): { uid: number; gid: number } | undefined {
  if (!existsSync(EJABBERDCTL)) throw new Error(`ejabberd is not installed (no ${EJABBERDCTL}): ${INSTALL_HINT}`);
  const user = systemUser('ejabberd');
  if (process.getuid?.() === 0) return user;
  if (process.getuid?.() === user.uid) return undefined;
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
