/**
 * Where the CPU of one push goes, end to end: four contestants in rotated rounds against one APNS
 * server process (`--server`, bench/shared/apns-server.ts), with the same connections and streams,
 * each run's CPU per push taken for this process (every thread):
 * - bare: the bare node:http2 loop (e2e/bare-loop.ts), the e2e reference;
 * - push service: Herald's push service alone, `PushPools.send` of a PushNotification (the
 *   notification a publish maps to), on the main thread: the sender side without any XMPP;
 * - one thread: publish IQs through Herald with the roles and the senders on the main thread
 *   (0 shards, 0 sender threads);
 * - shards: the same through ShardedHerald with `--shards` shards (default: one per core).
 * The differences name the parts: push service − bare is the sender side's own cost (actor
 * mailbox, exchange, outcome); one thread − push service is the XMPP side (parse, roles, node
 * actor, reply); shards − one thread is what the hop between threads and the split add.
 *
 *   npm run build && node dist/bench/anatomy.js [--pushes 40000] [--rounds 4] [--shards auto]
 *       [--server benchmark|simulator] [--results DIR]
 *
 * After the tables, two charts are written to `--results` (default results/ under the current
 * directory), each named by `# chart:`: every contestant's µs of CPU per push per round (and the
 * medians), and its pushes/s likewise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PushNotification } from '../src/push-service/notification.js';
import { runBareLoop } from './e2e/bare-loop.js';
import { createNodes, publishTexts, runHeraldLoad, startBenchHerald } from './e2e/herald-run.js';
import { TOKEN, TOPIC, withCpu } from './e2e/paired-rounds.js';
import { median, progress, table } from './e2e/report.js';
import { serverKindOf, startBenchServer, type BenchServer } from './shared/apns-server.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { roundCategories, roundsChart } from './shared/svg-chart.js';

const CONNECTIONS = 2;
const IN_FLIGHT = 100;
/** As bench/e2e.ts: Herald is offered its streams plus a quarter, so they never wait for the driver. */
const WINDOW = Math.ceil(CONNECTIONS * IN_FLIGHT * 1.25);
const NODES = 1_000;

const { values } = parseArgs({
  options: {
    pushes: { type: 'string', default: '40000' },
    rounds: { type: 'string', default: '4' },
    shards: { type: 'string', default: 'auto' },
    server: { type: 'string', default: 'benchmark' },
    ...RESULTS_OPTION,
  },
});
const pushes = Number(values.pushes);
const rounds = Number(values.rounds);
const shards = values.shards === 'auto' ? os.availableParallelism() : Number(values.shards);
if (!(pushes > 0 && rounds > 0 && shards > 0)) throw new Error('--pushes, --rounds and --shards take positive numbers');

/** What a publish of bench/e2e maps to (app-server/notification-mapping.ts with the defaults). */
const NOTIFICATION: PushNotification = {
  service: 'apns',
  mode: 'prod',
  device_id: TOKEN,
  topic: TOPIC,
  alert: { title: 'romeo@localhost/orchard', body: 'Wherefore art thou, Romeo?', badge: 1, tag: 'romeo@localhost/orchard' },
};

interface Contestant {
  name: string;
  run(count: number, label: string): Promise<{ ok: number }>;
}

type BenchHerald = Awaited<ReturnType<typeof startBenchHerald>>;

async function heraldOn(server: BenchServer, dir: string, shardCount: number): Promise<BenchHerald> {
  const bench = await startBenchHerald({ dir, url: server.url, caFile: server.caFile, connections: CONNECTIONS, inFlightPerConnection: IN_FLIGHT, senderThreads: 0, shards: shardCount });
  await createNodes(bench.herald, NODES);
  return bench;
}

/** `count` notifications through the push service, `WINDOW` outstanding, each answered 200. */
function pushServiceRun(bench: BenchHerald, count: number, onProgress: (done: number) => void): Promise<{ ok: number }> {
  const service = bench.herald.pushService;
  let started = 0;
  let ok = 0;
  let failed = 0;
  return new Promise((resolve, reject) => {
    const next = (): void => {
      if (started >= count) return;
      started++;
      service.send(NOTIFICATION).then((outcome) => {
        if (outcome.ok) ok++;
        else failed++;
        onProgress(ok + failed);
        if (ok + failed === count) resolve({ ok });
        else next();
      }, reject);
    };
    for (let i = 0; i < WINDOW; i++) next();
  });
}

async function main(): Promise<void> {
  console.log(`# Herald: where a push's CPU goes — ${new Date().toISOString()}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`# machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, Node ${process.version}`);
  console.log(`# command: node dist/bench/anatomy.js ${process.argv.slice(2).join(' ')}`);
  console.log(`# ${pushes} pushes per run, ${rounds} rounds (order rotated), ${CONNECTIONS} HTTP/2 connections × ${IN_FLIGHT} in flight, window ${WINDOW}, ${shards} shards`);
  const server = await startBenchServer(serverKindOf(values.server), 1_000);
  console.log(`# APNS server: ${server.description}`);
  const dirs = [mkdtempSync(join(os.tmpdir(), 'herald-anatomy-')), mkdtempSync(join(os.tmpdir(), 'herald-anatomy-'))];
  const oneThread = await heraldOn(server, dirs[0]!, 0);
  const sharded = await heraldOn(server, dirs[1]!, shards);
  const texts = publishTexts(NODES, TOKEN, TOPIC);
  try {
    const contestants: Contestant[] = [
      {
        name: 'bare node:http2 loop',
        run: (count, label) =>
          runBareLoop({ url: server.url, ca: server.ca, connections: CONNECTIONS, inFlightPerConnection: IN_FLIGHT, requests: count, token: TOKEN, topic: TOPIC, authorization: `bearer ${'x'.repeat(150)}`, onProgress: progress(label, count) }),
      },
      { name: 'Herald push service alone', run: (count, label) => pushServiceRun(oneThread, count, progress(label, count)) },
      { name: 'Herald, one thread', run: (count, label) => runHeraldLoad(oneThread, texts, { publishes: count, window: WINDOW, onProgress: progress(label, count) }) },
      { name: `Herald, ${shards} shards`, run: (count, label) => runHeraldLoad(sharded, texts, { publishes: count, window: WINDOW, onProgress: progress(label, count) }) },
    ];
    for (const c of contestants) await c.run(Math.min(5_000, pushes), `warm-up ${c.name}`);
    const cpu = contestants.map(() => [] as number[]);
    const rate = contestants.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < contestants.length; k++) {
        const i = (k + round) % contestants.length;
        const c = contestants[i]!;
        const t0 = performance.now();
        const result = await withCpu(() => c.run(pushes, `round ${round + 1} ${c.name}`));
        if (result.ok !== pushes) throw new Error(`round ${round + 1}: ${c.name} ${result.ok}/${pushes} ok`);
        cpu[i]!.push(result.cpuUs / pushes);
        rate[i]!.push((pushes / (performance.now() - t0)) * 1000);
      }
    }
    const cpuOf = cpu.map(median);
    console.log(
      table(
        ['contestant', 'pushes/s', 'µs CPU/push (median)', 'per round'],
        contestants.map((c, i) => [c.name, median(rate[i]!).toFixed(0), cpuOf[i]!.toFixed(1), cpu[i]!.map((v) => v.toFixed(1)).join(' ')]),
      ),
    );
    const [bare, service, one, split] = cpuOf as [number, number, number, number];
    console.log(
      table(
        ['part', 'µs CPU/push', 'share of bare'],
        [
          ['sender side beyond node:http2 (push service − bare)', (service - bare).toFixed(1), `${(((service - bare) / bare) * 100).toFixed(0)} %`],
          ['XMPP side: parse, roles, node actor, reply (one thread − push service)', (one - service).toFixed(1), `${(((one - service) / bare) * 100).toFixed(0)} %`],
          [`threads: hops and split (${shards} shards − one thread)`, (split - one).toFixed(1), `${(((split - one) / bare) * 100).toFixed(0)} %`],
        ],
      ),
    );
    console.log(`CPU per push / bare: one thread ${(one / bare).toFixed(2)}, ${shards} shards ${(split / bare).toFixed(2)} (issue 9's target ≤ 1.3)`);
    const perRound = (unit: string, what: string, figures: number[][]) =>
      roundsChart({
        title: `Where a push's CPU goes: ${what}, ${pushes} pushes per run`,
        unit,
        categories: roundCategories(rounds),
        series: contestants.map((c, i) => ({ name: c.name, values: [...figures[i]!, median(figures[i]!)] })),
      });
    writeChart(values.results!, 'anatomy-cpu', perRound('µs CPU/push', 'CPU per push', cpu));
    writeChart(values.results!, 'anatomy-throughput', perRound('pushes/s', 'throughput', rate));
  } finally {
    await sharded.herald.close();
    await oneThread.herald.close();
    await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
