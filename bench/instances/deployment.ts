/**
 * One target of the several-instances benchmark: `instances` `herald start` processes on one
 * store (each its own LMDB folder, or one shared PostgreSQL database), each joined as component
 * `push.localhost` to the bench's XEP-0114 server (which spreads stanzas over them at random, as
 * ejabberd does), their REST APIs behind one HAProxy (docs/several-instances.md). Each instance
 * signs APNS tokens with a key of its own, as production needs until instances share their token;
 * the APNS benchmark server does not check them anyway.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { startHaproxy, type HaproxyServer } from '../../test/support/haproxy-server.js';
import { startHeraldProcess, type HeraldChild } from '../../test/support/herald-process.js';
import { tomlString, writeHeraldToml } from '../../test/support/herald-toml.js';
import { apnsKeyPair, KEY_ID } from '../../test/support/keyed-apns-simulator.js';
import { ComponentServer } from '../latency/component-server.js';
import { PublishTarget } from '../latency/publish-target.js';
import type { BenchServer } from '../shared/apns-server.js';
import { processCpuMs } from '../sender/process-cpu.js';

/** The component domain every instance joins as (herald-toml.ts's `[component]`). */
const COMPONENT_DOMAIN = 'push.localhost';
/** The component secret both sides are given; loopback only. */
const COMPONENT_SECRET = 'instances-bench';

export interface DeploymentFiles {
  /** A folder of this target's own (configs, LMDB folders). */
  dir: string;
  /** The certificate and key every instance and the HAProxy frontend serve, and both in one PEM. */
  certFile: string;
  keyFile: string;
  pemFile: string;
}

export interface DeploymentOptions {
  instances: number;
  /** A PostgreSQL database the instances share, and the ms of CPU its server has used so far; undefined: LMDB. */
  postgres: { url: string; cpuMs: () => number } | undefined;
  apns: BenchServer;
  files: DeploymentFiles;
  /** Push nodes created first, that the publishes go round. */
  nodes: number;
}

export interface Deployment {
  /** HAProxy's frontend: https://127.0.0.1:PORT */
  restUrl: string;
  /** Publishes to the nodes, and enables (creates of new nodes), through the component links. */
  component: PublishTarget;
  /** ms of CPU (user + system, every thread) the instances have used so far. */
  cpuMs(): number;
  /** ms of CPU the PostgreSQL server has used so far (every process); 0 on LMDB. */
  storeCpuMs(): number;
  stop(): Promise<void>;
}

export async function startDeployment(o: DeploymentOptions): Promise<Deployment> {
  const xmpp = await ComponentServer.start(COMPONENT_DOMAIN, COMPONENT_SECRET);
  const heralds: HeraldChild[] = [];
  let proxy: HaproxyServer | undefined;
  const stop = async () => {
    await proxy?.stop();
    await Promise.all(heralds.map((h) => h.stop()));
    await xmpp.close();
  };
  try {
    const online = xmpp.whenOnline(o.instances);
    for (let i = 0; i < o.instances; i++) {
      const own = mkdtempSync(join(o.files.dir, `instance${i + 1}-`));
      const key = { keyId: KEY_ID, privateKeyPem: apnsKeyPair().privateKeyPem };
      const toml = writeHeraldToml(own, o.apns, key, {
        rest: { cert_file: tomlString(o.files.certFile), key_file: tomlString(o.files.keyFile) },
        component: { service: xmpp.service, password: COMPONENT_SECRET },
        postgres: o.postgres?.url,
      });
      heralds.push(await startHeraldProcess(toml));
    }
    proxy = await startHaproxy({ pemFile: o.files.pemFile, caFile: o.files.certFile, instances: heralds.map((h) => `127.0.0.1:${h.port}`) });
    await online;
    const component = new PublishTarget(xmpp, o.nodes);
    await component.createNodes();
    return {
      restUrl: proxy.url,
      component,
      cpuMs: () => heralds.reduce((sum, h) => sum + (processCpuMs(h.child.pid) ?? Number.NaN), 0),
      storeCpuMs: o.postgres?.cpuMs ?? (() => 0),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
