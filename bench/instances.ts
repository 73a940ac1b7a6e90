/**
 * Several instances (issue 11, item 6), a skeleton: REST pushes/s and p99 through one `herald
 * start` process, the same one behind HAProxy, and two behind HAProxy, in paired rounds of one
 * run (each round runs every target once, in an order rotated from round to round). autocannon
 * sends MongooseIM's request (bench/rest/notification-request.ts) over HTTP/1.1 with TLS;
 * HAProxy runs the config of docs/several-instances.md ("The REST API behind HAProxy",
 * test/support/haproxy-server.ts), HTTP/2 to the instances. Each instance has its own LMDB
 * folder; PostgreSQL modes come later.
 *
 *   npm run build && node dist/bench/instances.js [--duration 10] [--connections 50] [--rounds 4]
 *       [--warmup 3] [--server benchmark|simulator]
 *
 * Every process (APNS server, each Herald, HAProxy, autocannon in this one) shares the machine:
 * on a machine with few cores two instances compete with each other for them, so the ratio says
 * what HAProxy and a second process cost here, not how far Herald scales on separate machines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config/load.js';
import { generateLocalhostPair } from '../src/core/tls.js';
import { haproxyVersion, startHaproxy, type HaproxyServer } from '../test/support/haproxy-server.js';
import { startHeraldProcess, type HeraldChild } from '../test/support/herald-process.js';
import { tomlString, writeHeraldToml } from '../test/support/herald-toml.js';
import { apnsKeyPair, KEY_ID } from '../test/support/keyed-apns-simulator.js';
import { median, table } from './e2e/report.js';
import { runLoad, type LoadSummary } from './rest/load.js';
import { BODY, PATH } from './rest/notification-request.js';
import { serverKindOf, startBenchServer } from './shared/apns-server.js';
import { LOAD_OPTIONS, loadFlags, loadFlagsLine } from './shared/load-flags.js';

type Target = 'one' | 'one-haproxy' | 'two-haproxy';
const TARGETS: Target[] = ['one', 'one-haproxy', 'two-haproxy'];
const LABELS: Record<Target, string> = {
  one: '1 instance, direct',
  'one-haproxy': '1 instance behind HAProxy',
  'two-haproxy': '2 instances behind HAProxy',
};

const { values } = parseArgs({
  options: {
    ...LOAD_OPTIONS,
    /** APNS behind Herald: `benchmark` (the lean benchmark server) or `simulator` (accept-all). */
    server: { type: 'string', default: 'benchmark' },
  },
});
const flags = loadFlags(values);
const { durationS, connections, rounds, warmupS } = flags;
const serverKind = serverKindOf(values.server);
/** Round r runs the targets rotated by r - 1. */
const orderOf = (round: number): Target[] => TARGETS.map((_, i) => TARGETS[(i + round - 1) % TARGETS.length]!);

async function main(): Promise<void> {
  console.log(`# Several instances: REST through 1 Herald, 1 behind HAProxy, 2 behind HAProxy — ${new Date().toISOString()}`);
  console.log(`# machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: node dist/bench/instances.js ${process.argv.slice(2).join(' ')}`);
  console.log(`# ${loadFlagsLine(flags)} --server ${serverKind}; HTTP/1.1 to the target, pipelining off`);
  console.log(`# POST ${PATH} ${BODY}`);

  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-instances-'));
  const apns = await startBenchServer(serverKind, validateConfig({}).apns.max_in_flight);
  const heralds: HeraldChild[] = [];
  const proxies: HaproxyServer[] = [];
  try {
    console.log(`# APNS behind Herald: ${apns.description}; each Herald: herald start, config defaults, own LMDB folder; ${haproxyVersion()}`);
    const pair = await generateLocalhostPair();
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), `${text.trimEnd()}\n`);
      return join(dir, name);
    };
    const certFile = file('cert.pem', pair.cert);
    const keyFile = file('key.pem', pair.key);
    const pemFile = file('frontend.pem', `${pair.cert.trimEnd()}\n${pair.key}`);
    for (const name of ['a', 'b']) {
      const own = mkdtempSync(join(dir, `${name}-`));
      // The APNS servers here accept any token; a key each is what production needs (docs/several-instances.md).
      const key = { keyId: KEY_ID, privateKeyPem: apnsKeyPair().privateKeyPem };
      const rest = { cert_file: tomlString(certFile), key_file: tomlString(keyFile) };
      heralds.push(await startHeraldProcess(writeHeraldToml(own, apns, key, { rest })));
    }
    const behind = async (instances: HeraldChild[]) => {
      const proxy = await startHaproxy({ pemFile, caFile: certFile, instances: instances.map((h) => `127.0.0.1:${h.port}`) });
      proxies.push(proxy);
      return proxy.url;
    };
    const urls: Record<Target, string> = { one: heralds[0]!.url, 'one-haproxy': await behind([heralds[0]!]), 'two-haproxy': await behind(heralds) };

    if (warmupS > 0) {
      for (const t of TARGETS) check(t, 'warm-up', await runLoad({ url: urls[t], connections, durationS: warmupS }));
    }
    const runs: Array<Record<Target, LoadSummary>> = [];
    const rows: string[][] = [];
    for (let round = 1; round <= rounds; round++) {
      const got = {} as Record<Target, LoadSummary>;
      for (const t of orderOf(round)) {
        got[t] = check(t, `round ${round}`, await runLoad({ url: urls[t], connections, durationS }));
        process.stderr.write(`  round ${round} ${LABELS[t]}: ${got[t].reqPerSec.toFixed(0)} req/s\n`);
      }
      runs.push(got);
      for (const t of TARGETS) rows.push(row(String(round), t, got[t]));
    }
    for (const t of TARGETS) {
      const m = (f: (s: LoadSummary) => number) => median(runs.map((r) => f(r[t])));
      rows.push(row('median', t, { reqPerSec: m((s) => s.reqPerSec), p50Ms: m((s) => s.p50Ms), p99Ms: m((s) => s.p99Ms), non2xx: 0, tooMany: m((s) => s.tooMany), errors: 0, statuses: {} }));
    }
    console.log(table(['round', 'target', 'req/s', 'p50 ms', 'p99 ms', 'of which 429'], rows));
    const ratio = (a: Target, b: Target) => median(runs.map((r) => r[a].reqPerSec / r[b].reqPerSec)).toFixed(2);
    console.log(`2 behind HAProxy / 1 behind HAProxy: median of the per-round req/s ratios ${ratio('two-haproxy', 'one-haproxy')}`);
    console.log(`1 behind HAProxy / 1 direct: median of the per-round req/s ratios ${ratio('one-haproxy', 'one')}`);
  } finally {
    for (const proxy of proxies) await proxy.stop();
    await Promise.all(heralds.map((h) => h.stop()));
    await apns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(round: string, t: Target, s: LoadSummary): string[] {
  return [round, LABELS[t], s.reqPerSec.toFixed(0), s.p50Ms.toFixed(1), s.p99Ms.toFixed(1), String(s.tooMany)];
}

/**
 * A run that measured failures measured the wrong thing: Herald may answer 429 when its senders
 * are full (backpressure, reported apart); any other non-2xx, any connection error, or no answer
 * at all stops the benchmark.
 */
function check(t: Target, when: string, s: LoadSummary): LoadSummary {
  const total = Object.values(s.statuses).reduce((a, b) => a + b, 0);
  if (total === 0 || s.non2xx > s.tooMany || s.errors > 0) {
    throw new Error(`${when}: ${LABELS[t]} answered ${JSON.stringify(s.statuses)} with ${s.errors} connection errors`);
  }
  return s;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
