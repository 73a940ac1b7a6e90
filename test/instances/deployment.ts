/**
 * Several `herald start` processes deployed as an operator would: one APNS provider (the
 * simulator), one certificate for every instance and for the HAProxy frontend in front of their
 * REST APIs, and whatever store and XMPP server the test gives them. `close` (register it with
 * `t.after`) stops HAProxy, then the instances, then the simulator.
 */
import { mkdtempSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { generateLocalhostPair } from '../../src/core/tls.js';
import { eventually } from '../support/eventually.js';
import { startHaproxy, type HaproxyServer } from '../support/haproxy-server.js';
import { startHeraldProcess, type HeraldChild } from '../support/herald-process.js';
import { tomlString, writeHeraldToml, type HeraldTomlOptions } from '../support/herald-toml.js';
import { startKeyedApnsSimulator, type KeyedApnsSimulator } from '../support/keyed-apns-simulator.js';
import { restRequest, type RestAnswer } from '../support/rest-request.js';
import { tempFiles } from '../support/temp-files.js';
import { pem, servedBy, token } from './rest-load.js';

/** A request still unanswered after this long is a hang (HAProxy's own `timeout server` is 20 s). */
export const HANG_MS = 30_000;
const PUSH = { service: 'apns', mode: 'prod', alert: { title: 'romeo', body: 'hello' } };

export interface Deployment {
  apns: KeyedApnsSimulator;
  heralds: HeraldChild[];
  haproxy: HaproxyServer;
  /** POST /v3/notification/<device> through HAProxy, with `key` as its Idempotency-Key when given. */
  post(device: string, key?: string): Promise<RestAnswer>;
  /** How many 200s each instance answered (`herald1`, `herald2`…), by HAProxy's access log. */
  served(): Map<string, number>;
  /** HAProxy's log's end, for failure messages. */
  context(): string;
  close(): Promise<void>;
}

export interface DeploymentOptions {
  instances: number;
  /**
   * A provider key per instance (`own`), or one for all (`shared`). Apple (and the simulator)
   * refuse a second token of one key within 20 minutes, so instances that do not share their
   * token need a key each.
   */
  keys: 'own' | 'shared';
  /** Each instance's config keys over the defaults (store, component…); `shards` defaults to 0. */
  toml?: HeraldTomlOptions;
}

export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const files = tempFiles('herald-instances-');
  const apns = await startKeyedApnsSimulator(options.keys === 'own' ? options.instances : 1);
  const heralds: HeraldChild[] = [];
  let haproxy: HaproxyServer | undefined;
  let session: http2.ClientHttp2Session | undefined;
  const close = async () => {
    session?.destroy(); // HAProxy's soft stop waits for its clients to leave
    await haproxy?.stop();
    await Promise.all(heralds.map((h) => h.stop()));
    await apns.sim.close();
  };
  try {
    // One certificate for every instance and the frontend, as an operator would deploy one name.
    const pair = await generateLocalhostPair();
    const certFile = files.file('cert.pem', pem(pair.cert));
    const keyFile = files.file('key.pem', pem(pair.key));
    for (let i = 0; i < options.instances; i++) {
      const key = apns.keys[options.keys === 'own' ? i : 0]!;
      const own = mkdtempSync(join(files.dir, `instance${i + 1}-`));
      const rest = { cert_file: tomlString(certFile), key_file: tomlString(keyFile), ...options.toml?.rest };
      heralds.push(await startHeraldProcess(writeHeraldToml(own, apns.sim, key, { shards: 0, ...options.toml, rest })));
    }
    const proxy = (haproxy = await startHaproxy({
      pemFile: files.file('frontend.pem', pem(pair.cert) + pem(pair.key)),
      caFile: certFile,
      instances: heralds.map((h) => `127.0.0.1:${h.port}`),
    }));
    const client = (session = http2.connect(proxy.url, { ca: pair.cert }));
    client.on('error', () => {}); // each request reports its own failure
    const deployment: Deployment = {
      apns,
      heralds,
      haproxy: proxy,
      post: (device, key) => restRequest(client, 'POST', `/v3/notification/${device}`, PUSH, HANG_MS, key === undefined ? undefined : { 'idempotency-key': key }),
      served: () => servedBy(proxy.log()),
      context: () => `HAProxy's log:\n${proxy.log().slice(-4_000)}`,
      close,
    };
    await everyInstanceServing(deployment);
    return deployment;
  } catch (e) {
    await close();
    throw e;
  }
}

/** Until a pair of warm-up notifications through HAProxy are both answered 200. */
async function everyInstanceServing(d: Deployment): Promise<void> {
  let warm: RestAnswer[] = [];
  let warmed = 0;
  await eventually(
    async () => (warm = await Promise.all([0, 1].map(() => d.post(token('warm', warmed++))))).every((a) => a.status === 200),
    'every instance up behind HAProxy',
    20_000,
    100,
  ).catch((e: Error) => assert.fail(`${e.message}; last answers ${JSON.stringify(warm)}\n${d.context()}`));
}
