/**
 * `herald start` as a child process (test/support/herald-process.ts) on its own temp config
 * (test/support/herald-toml.ts): its own store, REST on port 0, APNS pools pointed at a simulator
 * of its own (so the test can break their connections), FCM off. One HTTP/2 session to its REST
 * port is kept open, so the test can still ask it things while it has no descriptor left to accept.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApnsSimulator } from '../../../src/simulators/apns/index.js';
import { startHeraldProcess, type HeraldChild, type HeraldProcessOptions } from '../../support/herald-process.js';
import { writeHeraldToml, type HeraldTomlOptions } from '../../support/herald-toml.js';
import { startKeyedApnsSimulator } from '../../support/keyed-apns-simulator.js';
import { restRequest, type RestAnswer } from '../../support/rest-request.js';

export type { RestAnswer };

/** A REST answer that did not come within this long counts as a hang. */
export const ANSWER_DEADLINE_MS = 5_000;

export type LaunchOptions = HeraldTomlOptions & HeraldProcessOptions;

/** The child's own (herald-process.ts), its simulator and folder, and requests on a kept-open session. */
export interface HeraldProcess extends Pick<HeraldChild, 'child' | 'log' | 'stderr' | 'url' | 'exited'> {
  sim: ApnsSimulator;
  dir: string;
  /** The REST port's certificate (PEM). */
  ca: string;
  /** A request on the kept-open session (no new descriptor needed on Herald's side). */
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<RestAnswer>;
  /** Descriptors the process holds now (Linux /proc). */
  openFds(): number;
  stop(): Promise<void>;
}

export async function launchHerald(options: LaunchOptions = {}): Promise<HeraldProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-process-'));
  const apns = await startKeyedApnsSimulator();
  const { sim } = apns;
  let herald;
  try {
    herald = await startHeraldProcess(writeHeraldToml(dir, sim, apns.keys[0]!, options), options);
  } catch (e) {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const { child, url } = herald;
  const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
  const session = http2.connect(url, { ca });
  session.on('error', () => {}); // each request reports its own failure
  return {
    child,
    sim,
    dir,
    log: herald.log,
    stderr: herald.stderr,
    url,
    ca,
    exited: herald.exited,
    request: (method, path, body) => restRequest(session, method, path, body, ANSWER_DEADLINE_MS),
    openFds() {
      try {
        return readdirSync(`/proc/${child.pid}/fd`).length; // Linux
      } catch {
        return 0;
      }
    },
    async stop() {
      session.destroy();
      await herald.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
