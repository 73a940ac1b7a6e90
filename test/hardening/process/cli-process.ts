/**
 * `herald start` from dist as a child process on a temp config: its own store, REST on port 0,
 * APNS pools pointed at a simulator the test runs (so the test can break their connections),
 * FCM off. Lines of its log are parsed as they come; one HTTP/2 session to its REST port is
 * kept open, so the test can still ask it things while it has no descriptor left to accept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApnsSimulator, type ApnsSimulator } from '../../../src/simulators/apns/index.js';
import { apnsKeyPair, KEY_ID, TEAM_ID } from './harness.js';
import { eventually } from '../../support/eventually.js';

export const CLI = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
/** A REST answer that did not come within this long counts as a hang. */
export const ANSWER_DEADLINE_MS = 5_000;

export interface LaunchOptions {
  /** `[apns]` keys over the defaults below (numbers, or TOML text such as an inline table). */
  apns?: Record<string, number | string>;
  /** `[rest]` keys over the defaults (numbers). */
  rest?: Record<string, number>;
  /** Join this XEP-0114 server (`xmpp://host:port`) as component `push.localhost`. */
  component?: { service: string; password: string };
  /** Runs node under this open-file limit (soft and hard), via prlimit(1). */
  nofile?: number;
  /** Extra node arguments before the script (e.g. --import a fault injector). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** `[shards] count`; default: the config's default (one shard per core). */
  shards?: number;
  /** Other `[shards]` keys (numbers, or TOML text such as an inline table). */
  shardKeys?: Record<string, number | string>;
}

export interface RestAnswer {
  status: number | 'no answer' | 'stream error';
  body: string;
}

export interface HeraldProcess {
  child: ChildProcess;
  sim: ApnsSimulator;
  dir: string;
  /** Every JSON log line so far. */
  log: Array<Record<string, unknown>>;
  stderr(): string;
  url: string;
  ca: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A request on the kept-open session (no new descriptor needed on Herald's side). */
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<RestAnswer>;
  /** Descriptors the process holds now (Linux /proc). */
  openFds(): number;
  stop(): Promise<void>;
}

export async function launchHerald(options: LaunchOptions = {}): Promise<HeraldProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-process-'));
  const keys = apnsKeyPair();
  writeFileSync(join(dir, 'apns.p8'), keys.privateKeyPem);
  const sim = await startApnsSimulator({ teamId: TEAM_ID, keys: { [KEY_ID]: keys.publicKeyPem } });
  writeFileSync(join(dir, 'sim-ca.pem'), sim.ca);
  const config = join(dir, 'herald.toml');
  writeFileSync(
    config,
    `[store]
path = "${join(dir, 'lmdb')}"
[rest]
port = 0
generated_cert_dir = "${join(dir, 'tls')}"
${Object.entries(options.rest ?? {})
  .map(([k, v]) => `${k} = ${v}`)
  .join('\n')}
[apns]
endpoint = "${sim.url}"
dev_endpoint = "${sim.url}"
ca_file = "${join(dir, 'sim-ca.pem')}"
team_id = "${TEAM_ID}"
key_id = "${KEY_ID}"
key_file = "${join(dir, 'apns.p8')}"
default_topic = "com.example.app"
${Object.entries({ reconnect: '{ backoff_ms = 50, max_ms = 30000 }', ...options.apns })
  .map(([k, v]) => `${k} = ${v}`)
  .join('\n')}
[shards]
${Object.entries({ ...(options.shards === undefined ? {} : { count: options.shards }), ...options.shardKeys })
  .map(([k, v]) => `${k} = ${v}`)
  .join('\n')}
[fcm]
enabled = false
[simulators.apns]
enabled = false
[simulators.fcm]
enabled = false
${
  options.component === undefined
    ? ''
    : `[component]
enabled = true
service = "${options.component.service}"
password = "${options.component.password}"
reconnect = { backoff_ms = 100, max_ms = 30000 }
`
}`,
  );
  const node = [...(options.nodeArgs ?? []), CLI, 'start', '--config', config];
  const child =
    options.nofile === undefined
      ? spawn(process.execPath, node, { env: { ...process.env, ...options.env } })
      : spawn('prlimit', [`--nofile=${options.nofile}:${options.nofile}`, process.execPath, ...node], { env: { ...process.env, ...options.env } });
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
        // not a log line (a crash trace of the old code, say): kept in stderr()
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let url = '';
  try {
    await eventually(() => /REST API: (\S+)\/v3\//.test(stdout) || child.exitCode !== null, 'herald start to serve', 20_000);
    const match = /REST API: (\S+)\/v3\//.exec(stdout);
    if (!match) throw new Error(`herald start exited ${child.exitCode}: ${stderr}`);
    url = match[1]!;
  } catch (e) {
    child.kill('SIGKILL');
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
  const session = http2.connect(url, { ca });
  session.on('error', () => {}); // each request reports its own failure
  return {
    child,
    sim,
    dir,
    log,
    stderr: () => stderr,
    url,
    ca,
    exited,
    request(method, path, body) {
      return new Promise((resolve) => {
        const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path };
        if (body !== undefined) headers['content-type'] = 'application/json';
        let data = '';
        let status: RestAnswer['status'] = 'no answer';
        const timer = setTimeout(() => {
          req.close(http2.constants.NGHTTP2_CANCEL);
          resolve({ status: 'no answer', body: '' });
        }, ANSWER_DEADLINE_MS);
        const req = session.request(headers);
        req.setEncoding('utf8');
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('data', (c: string) => (data += c));
        req.on('end', () => {
          clearTimeout(timer);
          resolve({ status, body: data });
        });
        req.on('error', () => {
          clearTimeout(timer);
          resolve({ status: 'stream error', body: '' });
        });
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
    openFds() {
      try {
        return readdirSync(`/proc/${child.pid}/fd`).length; // Linux
      } catch {
        return 0;
      }
    },
    async stop() {
      session.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const deadline = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(deadline);
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
