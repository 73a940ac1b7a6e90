/**
 * The two ways requests reach Herald, each Herald in its own process with the APNS benchmark
 * server behind it and every engine setting at its default:
 * - REST: Herald embedded with its REST API on (bench/rest/herald-rest-main.ts), driven by
 *   HTTP/1.1 keep-alive connections (http1-pool.ts);
 * - component: `herald start` joined as an XEP-0114 component to the bench's own XMPP server
 *   (component-server.ts), which publishes to push nodes it created first (publish-target.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { ApnsBenchmarkServerProcess } from '../../src/simulators/apns-benchmark/process.js';
import { startHerald } from '../prosody/herald-process.js';
import { BODY, HEADERS, PATH } from '../rest/notification-request.js';
import { startReadyChild } from '../rest/ready-child.js';
import { ComponentServer } from './component-server.js';
import { Http1Pool } from './http1-pool.js';
import { PublishTarget } from './publish-target.js';
import type { Target } from './target.js';

export type PathName = 'rest' | 'component';

export interface HeraldPath {
  label: string;
  target: Target;
  /** Herald's process, whose CPU is charged to the requests. */
  pid: number | undefined;
  /** Requests kept in flight by the closed loop that measures the maximum. */
  closedLoopOutstanding: number;
  /** How the requests are carried, for the report. */
  describe(): string;
  stop(): Promise<void>;
}

export interface PathSettings {
  sim: ApnsBenchmarkServerProcess;
  /** REST: connections of the closed loop (each one request at a time). */
  connections: number;
  /** REST: connections the open loop may open; beyond, requests wait in the client. */
  maxConnections: number;
  /** Component: publishes in flight in the closed loop. */
  window: number;
  /** Component: push nodes the publishes go round. */
  nodes: number;
}

const COMPONENT_DOMAIN = 'push.localhost';
/** The component secret both sides are given; loopback only. */
const COMPONENT_SECRET = 'latency-bench';

export async function startPath(name: PathName, s: PathSettings): Promise<HeraldPath> {
  return name === 'rest' ? startRest(s) : startComponent(s);
}

async function startRest(s: PathSettings): Promise<HeraldPath> {
  const herald = await startReadyChild('./herald-rest-main.js', ['--apns-url', s.sim.url, '--ca-file', s.sim.caFile]);
  const pool = new Http1Pool(new URL(herald.url), { method: 'POST', path: PATH, headers: HEADERS, body: BODY }, s.maxConnections);
  return {
    label: 'Herald REST v3',
    target: pool,
    pid: herald.child.pid,
    closedLoopOutstanding: s.connections,
    describe: () =>
      `POST ${PATH} (MongooseIM's v3 body) over HTTPS, HTTP/1.1 keep-alive, one request per connection at a time ` +
      `(MongooseIM's pool); ${pool.peakOpen} connections at most were open (cap ${s.maxConnections}), ` +
      `${pool.waitedForConnection} requests waited for one`,
    async stop() {
      pool.close();
      await herald.stop();
    },
  };
}

async function startComponent(s: PathSettings): Promise<HeraldPath> {
  const server = await ComponentServer.start(COMPONENT_DOMAIN, COMPONENT_SECRET);
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-latency-'));
  const cleanUp = async (): Promise<void> => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let herald: Awaited<ReturnType<typeof startHerald>>;
  try {
    const online = server.whenOnline();
    herald = await startHerald({
      dir,
      componentService: server.service,
      componentDomain: COMPONENT_DOMAIN,
      componentSecret: COMPONENT_SECRET,
      apnsUrl: s.sim.url,
      apnsCa: s.sim.ca,
    });
    await online;
  } catch (e) {
    await cleanUp();
    throw e;
  }
  const stop = async (): Promise<void> => {
    await herald.stop();
    await cleanUp();
  };
  const target = new PublishTarget(server, s.nodes);
  try {
    await target.createNodes();
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    label: 'Herald component',
    target,
    pid: herald.child.pid,
    closedLoopOutstanding: s.window,
    describe: () =>
      `XEP-0357 publish IQs from the bench's XEP-0114 server to \`herald start\` joined as ${COMPONENT_DOMAIN}, ` +
      `round-robin over ${s.nodes} push nodes; answered = the IQ result back on the stream`,
    stop,
  };
}
