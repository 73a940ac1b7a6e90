/**
 * Several instances (issue 11, item 6): in paired rounds of one run (each round runs every target
 * once, in an order rotated from round to round), three targets:
 *   - 1 instance on LMDB,
 *   - 1 instance on PostgreSQL,
 *   - 2 instances on one PostgreSQL database,
 * each `herald start` with the config defaults, joined as component `push.localhost` to the
 * bench's XEP-0114 server (bench/latency/component-server.ts: several links of one domain, each
 * stanza to one picked at random, as ejabberd does), REST behind HAProxy (the config of
 * docs/several-instances.md, test/support/haproxy-server.ts). REST goes through HAProxy for
 * every target, one instance too, so that only the store and the instance count differ between
 * them (bench/rest.ts measures Herald's REST API direct). For each target and round:
 *   - REST pushes/s and p99: autocannon, MongooseIM's request over HTTP/1.1 with TLS;
 *   - component pushes/s and p99: XEP-0357 publish IQs to push nodes created first, `--window`
 *     outstanding, answered after APNS answered 200;
 *   - enables/s and p99: XEP-0060 creates of new push nodes through the component (what a
 *     device's first enable costs the App Server: the node the client's app server creates for
 *     it), `--window` outstanding, each answered once the node is durable;
 * with the µs of CPU the Herald processes spent per operation (/proc/<pid>/stat, every thread)
 * and, apart, the µs the PostgreSQL server spent (the postmaster and every backend, ended ones
 * included: sender/process-cpu.ts `processTreeCpuMs`).
 * The loads run one after the other (each its warm-up, then its rounds), enables last, so that
 * the nodes enables create do not weigh on the pushes measured after them.
 *
 *   npm run build && node dist/bench/instances.js [--duration 10] [--connections 50] [--rounds 4]
 *       [--warmup 3] [--window 100] [--nodes 100] [--server benchmark|simulator] [--results DIR]
 *
 * After each load's table, a chart of each target's operations/s per round (and the medians) is
 * written to `--results` (default results/ under the current directory), named by `# chart:`.
 *
 * The PostgreSQL is a private cluster of this run (test/support/postgres-cluster.ts: fsync on,
 * defaults otherwise), one database per PostgreSQL target. Every process (APNS server, each
 * Herald, PostgreSQL, HAProxy, the load generators in this one) shares the machine: on a machine
 * with few cores two instances compete with each other and with PostgreSQL for them, so the
 * ratios say what the store and a second process cost here, not how far Herald scales on
 * separate machines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config/load.js';
import { generateLocalhostPair } from '../src/core/tls.js';
import { haproxyVersion } from '../test/support/haproxy-server.js';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.js';
import { median, table } from './e2e/report.js';
import { startDeployment, type Deployment, type DeploymentFiles } from './instances/deployment.js';
import { LOAD_KINDS, measure, type Figures, type LoadKind } from './instances/measure.js';
import { BODY, PATH } from './rest/notification-request.js';
import { processTreeCpuMs } from './sender/process-cpu.js';
import { serverKindOf, startBenchServer } from './shared/apns-server.js';
import { intFlag } from './shared/int-flag.js';
import { LOAD_OPTIONS, loadFlags, loadFlagsLine } from './shared/load-flags.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { roundCategories, roundsChart } from './shared/svg-chart.js';

type Target = 'lmdb' | 'postgres' | 'two-postgres';
const TARGETS: Target[] = ['lmdb', 'postgres', 'two-postgres'];
const LABELS: Record<Target, string> = {
  lmdb: '1 instance on LMDB',
  postgres: '1 instance on PostgreSQL',
  'two-postgres': '2 instances on PostgreSQL behind HAProxy',
};
const SHAPES: Record<Target, { instances: number; postgres: boolean }> = {
  lmdb: { instances: 1, postgres: false },
  postgres: { instances: 1, postgres: true },
  'two-postgres': { instances: 2, postgres: true },
};
const KIND_HEADINGS: Record<LoadKind, string> = {
  rest: 'REST pushes (autocannon through HAProxy)',
  publish: 'component pushes (publish IQs to existing nodes)',
  enable: 'enables (creates of new push nodes, answered once durable)',
};

const { values } = parseArgs({
  options: {
    ...LOAD_OPTIONS,
    ...RESULTS_OPTION,
    /** Component IQs outstanding at once. */
    window: { type: 'string', default: '100' },
    /** Push nodes created first, that the publishes go round. */
    nodes: { type: 'string', default: '100' },
    /** APNS behind Herald: `benchmark` (the lean benchmark server) or `simulator` (accept-all). */
    server: { type: 'string', default: 'benchmark' },
  },
});
const flags = loadFlags(values);
const { durationS, connections, rounds, warmupS } = flags;
const window = intFlag('--window', values.window, 1);
const nodes = intFlag('--nodes', values.nodes, 1);
const serverKind = serverKindOf(values.server);
/** Round r runs the targets rotated by r - 1. */
const orderOf = (round: number): Target[] => TARGETS.map((_, i) => TARGETS[(i + round - 1) % TARGETS.length]!);

async function main(): Promise<void> {
  console.log(`# Several instances: 1 Herald on LMDB, 1 on PostgreSQL, 2 on PostgreSQL behind HAProxy — ${new Date().toISOString()}`);
  console.log(`# machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)} at start`);
  console.log(`# command: node dist/bench/instances.js ${process.argv.slice(2).join(' ')}`);
  console.log(`# ${loadFlagsLine(flags)} --window ${window} --nodes ${nodes} --server ${serverKind}`);
  console.log(`# REST: POST ${PATH} ${BODY}, HTTP/1.1 to HAProxy, pipelining off; component: ${window} IQs outstanding, publishes round ${nodes} nodes`);

  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-instances-'));
  const apns = await startBenchServer(serverKind, validateConfig({}).apns.max_in_flight);
  let postgres: PostgresCluster | undefined;
  const deployments: Partial<Record<Target, Deployment>> = {};
  try {
    postgres = await startPostgresCluster();
    console.log(`# APNS behind Herald: ${apns.description}; each Herald: herald start, config defaults, own APNS key; ${haproxyVersion()}; PostgreSQL: private cluster, fsync on`);
    const files = await certificateFiles(dir);
    for (const t of TARGETS) {
      const { instances, postgres: shared } = SHAPES[t];
      const cluster = postgres;
      const store = shared ? { url: (await cluster.createDatabase()).url, cpuMs: () => processTreeCpuMs(cluster.pid) ?? Number.NaN } : undefined;
      deployments[t] = await startDeployment({ instances, postgres: store, apns, files: { ...files, dir: mkdtempSync(join(dir, `${t}-`)) }, nodes });
    }
    const on = (t: Target) => deployments[t]!;
    const settings = { durationS, connections, window };

    // One load at a time over every round, enables last: the nodes an enable run creates (several
    // times more on LMDB than on PostgreSQL) would otherwise load the pushes measured after them.
    type Round = Record<Target, Record<LoadKind, Figures>>;
    const runs: Round[] = Array.from({ length: rounds }, () => ({ lmdb: {}, postgres: {}, 'two-postgres': {} }) as Round);
    for (const kind of LOAD_KINDS) {
      if (warmupS > 0) for (const t of TARGETS) await measure(kind, on(t), settings, warmupS);
      for (let round = 1; round <= rounds; round++) {
        for (const t of orderOf(round)) {
          const got = await measure(kind, on(t), settings).catch((e: Error) => Promise.reject(new Error(`round ${round}, ${LABELS[t]}: ${e.message}`)));
          runs[round - 1]![t][kind] = got;
          process.stderr.write(`  ${kind} round ${round} ${LABELS[t]}: ${got.perS.toFixed(0)}/s\n`);
        }
      }
    }
    for (const kind of LOAD_KINDS) printKind(kind, runs);
  } finally {
    for (const d of Object.values(deployments)) await d.stop();
    await postgres?.dispose();
    await apns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One table per load: every round's figures, then the medians, then the medians of the paired per-round ratios. */
function printKind(kind: LoadKind, runs: Array<Record<Target, Record<LoadKind, Figures>>>): void {
  const rows: string[][] = [];
  runs.forEach((run, i) => TARGETS.forEach((t) => rows.push(row(kind, String(i + 1), t, run[t][kind]))));
  for (const t of TARGETS) {
    const m = (f: (s: Figures) => number) => median(runs.map((r) => f(r[t][kind])));
    rows.push(row(kind, 'median', t, { perS: m((s) => s.perS), p50Ms: m((s) => s.p50Ms), p99Ms: m((s) => s.p99Ms), cpuUs: m((s) => s.cpuUs), storeCpuUs: m((s) => s.storeCpuUs), tooMany: m((s) => s.tooMany) }));
  }
  const unit = kind === 'enable' ? 'enables/s' : 'pushes/s';
  console.log(`\n## ${KIND_HEADINGS[kind]}`);
  console.log(table(['round', 'target', unit, 'p50 ms', 'p99 ms', 'µs CPU/op', 'µs PostgreSQL CPU/op', ...(kind === 'rest' ? ['of which 429'] : [])], rows));
  writeChart(
    values.results!,
    `instances-${kind}`,
    roundsChart({
      title: `Several instances: ${KIND_HEADINGS[kind]}`,
      unit,
      categories: roundCategories(runs.length),
      series: TARGETS.map((t) => ({ name: LABELS[t], values: [...runs.map((r) => r[t][kind].perS), median(runs.map((r) => r[t][kind].perS))] })),
    }),
  );
  const ratio = (a: Target, b: Target) => median(runs.map((r) => r[a][kind].perS / r[b][kind].perS)).toFixed(2);
  console.log(`${kind}: 1 on PostgreSQL / 1 on LMDB ${ratio('postgres', 'lmdb')}; 2 on PostgreSQL / 1 on PostgreSQL ${ratio('two-postgres', 'postgres')} (medians of the per-round ${unit} ratios)`);
}

function row(kind: LoadKind, round: string, t: Target, s: Figures): string[] {
  return [round, LABELS[t], s.perS.toFixed(0), s.p50Ms.toFixed(1), s.p99Ms.toFixed(1), s.cpuUs.toFixed(0), s.storeCpuUs.toFixed(0), ...(kind === 'rest' ? [String(s.tooMany)] : [])];
}

/** One certificate for every instance and the HAProxy frontend, as an operator would deploy one name. */
async function certificateFiles(dir: string): Promise<Omit<DeploymentFiles, 'dir'>> {
  const pair = await generateLocalhostPair();
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), `${text.trimEnd()}\n`);
    return join(dir, name);
  };
  return { certFile: file('cert.pem', pair.cert), keyFile: file('key.pem', pair.key), pemFile: file('frontend.pem', `${pair.cert.trimEnd()}\n${pair.key}`) };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
