/**
 * A private HAProxy in front of several Herald REST APIs, for the tests of several instances:
 * Debian's /usr/sbin/haproxy in the foreground on a generated config in a temp folder, its
 * frontend on a free loopback port. HAProxy missing is a failure, never a skip: `.ci/run`
 * installs it.
 *
 * The config (`haproxyRestConfig`, also shown in docs/several-instances.md) runs in `mode http`
 * and terminates TLS: Herald's REST API is HTTP/2 or HTTP/1.1 over TLS only (rest/server.ts), and
 * MongooseIM keeps a few HTTP/2 connections with many streams each, so passing TCP through
 * would pin every stream of a connection to one instance, and an instance's death would reset
 * the client's connection with all its streams. In `mode http` HAProxy balances each request
 * and keeps the client's connection when an instance dies; the requests that instance had not
 * answered are reset one by one (HTTP/2 frontend: RST_STREAM REFUSED_STREAM, not logged). It
 * retries only a request that never reached an instance (`retry-on conn-failure`): a POST that
 * reached one may have pushed, and sending it again could push twice.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { accepts, freePorts } from './loopback.js';

const HAPROXY = '/usr/sbin/haproxy';
const INSTALL_HINT = '.ci/run installs it (apt-get install -y --no-install-recommends haproxy); run that once on this machine';
/** ms for HAProxy to accept connections: milliseconds here, a loaded CI machine is slower. */
const START_TIMEOUT_MS = 30_000;
/** ms for HAProxy to exit after SIGUSR1 (soft stop: finish what is in flight) before SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;
/** The test's own `global` section: the log (one line per request, servers up and down) to stdout. */
const TEST_GLOBAL = 'global\n  log stdout format raw local0 info\n\n';

export interface HaproxyRestOptions {
  /** host:port the frontend binds. */
  bind: string;
  /** PEM file holding the certificate and key the frontend serves (the one the instances serve too). */
  pemFile: string;
  /** PEM file of the CA the instances' certificates are checked against. */
  caFile: string;
  /** host:port of each instance's REST API. */
  instances: string[];
}

/**
 * HAProxy's config for the REST API of several instances, `global` aside (an operator has one).
 * docs/several-instances.md shows it and explains each line; a test keeps the two in step.
 */
export function haproxyRestConfig(o: HaproxyRestOptions): string {
  return `defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 60s
  timeout server 20s
  retries 3
  retry-on conn-failure
  option redispatch 1

frontend herald_rest
  bind ${o.bind} ssl crt ${o.pemFile} alpn h2,http/1.1
  default_backend herald_rest

backend herald_rest
  balance roundrobin
  option httpchk GET /healthcheck
  http-check expect status 200
  default-server ssl verify required ca-file ${o.caFile} alpn h2 check check-alpn http/1.1 inter 1s fall 2 rise 2
${o.instances.map((address, i) => `  server herald${i + 1} ${address}`).join('\n')}
`;
}

/** `haproxy -v`'s first line (for a benchmark's header): "HAProxy version 2.6.12-1+deb12u4 …". */
export function haproxyVersion(): string {
  return execFileSync(installedHaproxy(), ['-v'], { encoding: 'utf8' }).split('\n')[0]!;
}

export interface HaproxyServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** What HAProxy printed so far (its log: one line per request, and servers going up and down). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts HAProxy on a free loopback port in front of `instances`; resolves once it accepts. */
export async function startHaproxy(options: Omit<HaproxyRestOptions, 'bind'>): Promise<HaproxyServer> {
  const haproxy = installedHaproxy();
  const dir = mkdtempSync(join(tmpdir(), 'herald-haproxy-'));
  const [port] = (await freePorts(1)) as [number];
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, TEST_GLOBAL + haproxyRestConfig({ ...options, bind: `127.0.0.1:${port}` }));
  // -db: foreground, no daemon; the log goes to its stdout.
  const child = spawn(haproxy, ['-db', '-f', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (running(child)) child.kill('SIGUSR1');
    const deadline = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(deadline);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (!running(child)) throw new Error(`HAProxy exited (${child.exitCode ?? child.signalCode}):\n${output}`);
        return accepts(port);
      },
      `HAProxy to accept connections on port ${port}`,
      START_TIMEOUT_MS,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `https://127.0.0.1:${port}`, port, log: () => output, stop };
}

/** Debian's HAProxy binary; missing is a failure naming how to install it. */
function installedHaproxy(): string {
  if (!existsSync(HAPROXY)) throw new Error(`HAProxy is not installed (${HAPROXY}): ${INSTALL_HINT}`);
  return HAPROXY;
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
