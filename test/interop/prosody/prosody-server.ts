/**
 * A private Prosody for one test file: Debian's `prosody` binary on a rendered copy of
 * prosody.cfg.lua, with its own data folder and free loopback ports, not the system service.
 * Run as the `prosody` user when the suite runs as root (CI does): Prosody refuses to run as
 * root. Its console log is kept (the last lines) so tests can wait for what it says.
 *
 * Prosody missing is a failure, never a skip: `.ci/run` installs it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chownTree } from '../server-ports.js';
import { inFreshDir, renderTemplate, ServerProcess } from '../server-process.js';
import { freePorts } from '../../support/loopback.js';
import { userWhenRoot } from '../../support/system-user.js';

/** The template in the source tree (tests run from dist/test/interop/prosody). */
export const CONFIG_TEMPLATE = fileURLToPath(new URL('../../../../test/interop/prosody/prosody.cfg.lua', import.meta.url));
/** The Herald config `herald start` runs with in herald-start.test.ts. */
export const HERALD_TOML_TEMPLATE = fileURLToPath(new URL('../../../../test/interop/prosody/herald.toml', import.meta.url));
/** Where Debian's prosody-modules puts mod_cloud_notify (the template's plugin_paths). */
export const CLOUD_NOTIFY = '/usr/lib/prosody/modules/mod_cloud_notify/mod_cloud_notify.lua';
export const COMPONENT_DOMAIN = 'push.localhost';
export const USER_DOMAIN = 'localhost';

/** ms for Prosody to open its ports: it starts in well under a second, a loaded CI machine is slower. */
const START_TIMEOUT_MS = 20_000;
/** ms for Prosody to exit after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 10_000;
/** ms for one `prosodyctl register`. */
const PROSODYCTL_TIMEOUT_MS = 20_000;

const INSTALL_HINT =
  '.ci/run installs it (apt-get install -y --no-install-recommends prosody prosody-modules); run that once on this machine';

const running = new Set<ChildProcess>();
// A test process that dies must not leave a Prosody behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ProsodyServer extends ServerProcess {
  private constructor(
    dir: string,
    readonly configFile: string,
    c2sPort: number,
    componentPort: number,
    readonly componentSecret: string,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {
    super('Prosody', dir, c2sPort, componentPort, START_TIMEOUT_MS);
  }

  /**
   * Renders the config into a fresh folder and starts Prosody on free ports. `template` is
   * another config with the same placeholders (bench/prosody/prosody.cfg.lua).
   */
  static async start(componentSecret: string, template = CONFIG_TEMPLATE): Promise<ProsodyServer> {
    requireProsody();
    return inFreshDir('herald-prosody-', async (dir) => {
      const [c2sPort, componentPort] = (await freePorts(2)) as [number, number];
      mkdirSync(join(dir, 'data', 'certs'), { recursive: true });
      const configFile = join(dir, 'prosody.cfg.lua');
      writeFileSync(
        configFile,
        renderTemplate(readFileSync(template, 'utf8'), {
          DATA_DIR: join(dir, 'data'),
          C2S_PORT: String(c2sPort),
          COMPONENT_PORT: String(componentPort),
          COMPONENT_SECRET: componentSecret,
        }),
      );
      // Root runs Prosody as the `prosody` user (Debian's package creates it); anyone else as themselves.
      const user = userWhenRoot('prosody');
      if (user) chownTree(dir, user);
      const server = new ProsodyServer(dir, configFile, c2sPort, componentPort, componentSecret, user);
      await server.run();
      return server;
    });
  }

  /** `prosodyctl register`: an account on the VirtualHost. */
  register(username: string, password: string): void {
    execFileSync('prosodyctl', ['--config', this.configFile, 'register', username, USER_DOMAIN, password], {
      ...this.user,
      stdio: 'pipe',
      timeout: PROSODYCTL_TIMEOUT_MS,
    });
  }

  protected spawnServer(): ChildProcess {
    const child = spawn('prosody', ['-F', '--config', this.configFile], { ...this.user, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  }

  /** SIGTERM, SIGKILL if Prosody is still there after STOP_TIMEOUT_MS. */
  protected async stopServer(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Fails, with the way to fix it, when Debian's prosody or prosody-modules is missing. */
export function requireProsody(): void {
  if (!onPath('prosody') || !onPath('prosodyctl')) throw new Error(`prosody is not installed: ${INSTALL_HINT}`);
  if (!existsSync(CLOUD_NOTIFY)) throw new Error(`mod_cloud_notify is not at ${CLOUD_NOTIFY} (package prosody-modules): ${INSTALL_HINT}`);
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}
