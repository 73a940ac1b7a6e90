/**
 * A private PostgreSQL cluster, not the system service: Debian's server binaries on a temp data
 * folder, a free loopback port, its unix socket in that folder, fsync on. Databases are made of
 * it with `createDatabase` (CREATE DATABASE copies template1, milliseconds). The tests reach it
 * through postgres-server.ts (one cluster per test file, stopped when its tests end); a benchmark
 * starts and disposes of one itself.
 *
 * Run as the `postgres` user when the process runs as root (CI does): initdb and postgres refuse
 * root. PostgreSQL missing is a failure, never a skip: `.ci/run` installs it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { validateConfig } from '../../src/core/config/load.js';
import type { PostgresOptions } from '../../src/store/postgres/postgres-pool.js';
import { eventually } from './eventually.js';
import { freePorts } from './loopback.js';
import { userWhenRoot } from './system-user.js';

/** One fresh database of a cluster; `close` drops it. */
export interface PostgresDatabase {
  /** `postgres://herald@127.0.0.1:<port>/<database>`. */
  readonly url: string;
  close(): Promise<void>;
}

/** ms for the server to accept connections: well under a second here, a loaded CI machine is slower. */
const START_TIMEOUT_MS = 30_000;
/** ms for the server to exit after a fast shutdown (SIGINT) before it is killed. */
const STOP_TIMEOUT_MS = 10_000;
/** Between two connection attempts while the server starts. */
const START_POLL_MS = 50;
/** The cluster's superuser (initdb -U); loopback and socket connections are trusted. */
const SUPERUSER = 'herald';
/** Where Debian puts each major version's server binaries. */
const DEBIAN_VERSIONS = '/usr/lib/postgresql';
const INSTALL_HINT = '.ci/run installs it (apt-get install -y --no-install-recommends postgresql); run that once on this machine';

export class PostgresCluster {
  private databases = 0;
  private readonly output: string[] = [];

  constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => this.output.push(chunk.toString('utf8'));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  /** The postmaster's process id (benchmarks read the server's CPU from it). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  url(database: string): string {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.port}/${database}`;
  }

  /** Resolves once a connection is accepted; fails with the server's output if it exits first. */
  async ready(): Promise<void> {
    await eventually(
      async () => {
        if (this.exited()) throw new Error(`PostgreSQL exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.output.join('')}`);
        return this.admin((client) => client.query('SELECT 1')).then(
          () => true,
          () => false,
        );
      },
      `PostgreSQL to accept connections on port ${this.port}`,
      START_TIMEOUT_MS,
      START_POLL_MS,
    );
  }

  async createDatabase(): Promise<PostgresDatabase> {
    const name = `herald_test_${++this.databases}`;
    await this.admin((client) => client.query(`CREATE DATABASE ${name}`));
    return {
      url: this.url(name),
      // FORCE: a pool a failed test left open must not keep the database alive.
      close: () => this.admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(noValue),
    };
  }

  /** Fast shutdown (SIGINT: clients disconnected, no recovery needed), SIGKILL after STOP_TIMEOUT_MS; then the folder goes. */
  async dispose(): Promise<void> {
    try {
      if (!this.exited()) {
        const exited = once(this.child, 'exit');
        this.child.kill('SIGINT');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        try {
          await exited;
        } finally {
          clearTimeout(timer);
        }
      }
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Kills the server at once: the test process is exiting without having disposed of it. */
  killNow(): void {
    if (!this.exited()) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private async admin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    // An error event after connect (the server going away) must not crash the test process.
    client.on('error', noValue);
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }
}

/**
 * Starts a cluster on a temp folder and a free port; the caller disposes of it. Should the
 * process exit first, the server is killed and its folder removed all the same.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = serverBinaries();
  const user = userWhenRoot('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'herald-postgres-'));
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    // --no-sync: only initdb's final flush of the template files is skipped; the server runs with fsync on.
    execFileSync(join(bin, 'initdb'), ['-D', dir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], {
      ...user,
      cwd: dir,
      stdio: 'pipe',
    });
    const [port] = (await freePorts(1)) as [number];
    const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: dir, fsync: 'on', max_connections: '100' };
    const args = ['-D', dir, '-p', String(port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
    const child = spawn(join(bin, 'postgres'), args, { ...user, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = new PostgresCluster(dir, port, child);
    try {
      await started.ready();
    } catch (e) {
      await started.dispose();
      throw e;
    }
    process.once('exit', () => started.killNow());
    return started;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The folder of `initdb` and `postgres`: what `pg_config --bindir` says (libpq-dev's pg_config,
 * when installed), else the newest of Debian's /usr/lib/postgresql/<major>/bin.
 */
function serverBinaries(): string {
  const fromPgConfig = (() => {
    try {
      return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  })();
  const debian = existsSync(DEBIAN_VERSIONS)
    ? readdirSync(DEBIAN_VERSIONS)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(DEBIAN_VERSIONS, v, 'bin'))
    : [];
  const found = [fromPgConfig, ...debian].find((dir) => dir !== undefined && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (!found) throw new Error(`PostgreSQL's initdb and postgres are not installed: ${INSTALL_HINT}`);
  return found;
}


function noValue(): void {}

/** `[store.postgres]` with its defaults (default.toml's values), on `url`. */
export function postgresOptions(url: string): PostgresOptions {
  return { ...validateConfig({ store: { postgres: { url } } }, '(test)', {}).store.postgres, url };
}
