/**
 * Users at scale (issue 9): `--users` accounts enable push through the embedding API (half of
 * them with two devices), then messages go to random offline users, most of them passivated.
 * Prints, with progress on stderr:
 * - acknowledged enables/s (an IQ result is routed only once its registration is durable);
 * - heap and RSS per user after GC, once every user actor is passivated, against the heap
 *   before the first enable (so what an idle user costs in memory, not in LMDB);
 * - LMDB bytes per user (pages in use, store/store-usage.ts);
 * - pushes/s to random users while ≥ 90 % of them are cold (their actor passivated: each push
 *   loads the user from LMDB), with the remote App Server answering every publish at once;
 * - start-up time on the full store: `Herald.start` until its first stanza is answered;
 * - then the thread-scaling table of the end-to-end run: publish IQs in, APNS 200s back from the
 *   APNS server in its own process (`--server`, as for bench/e2e.js), with 1, 2, … shards, each in paired rounds against a bare
 *   node:http2 loop (e2e/paired-rounds.ts, as bench/e2e.js --scaling measures it);
 * - and acknowledged enables/s through a ShardedHerald with as many shards (up to 300 000
 *   enables each, on a new store).
 *
 *   npm run build && node dist/bench/users.js [--users 1000000] [--pushes 200000] [--window 1000]
 *       [--scaling auto|none|1,2] [--scaling-pushes 20000] [--scaling-rounds 3]
 *       [--server benchmark|simulator] [--results DIR]
 *
 * After each table its chart is written to `--results` (default results/ under the current
 * directory), named by `# chart:`: the measures (a panel per unit), pushes/s by shard count, and
 * enables/s and CPU per enable by shard count.
 *
 * Profiling the enables: `node --cpu-prof --cpu-prof-dir DIR --expose-gc dist/bench/users.js
 * --users 200000 --profile-window DIR/enables.json`, then `node dist/bench/profile-functions.js
 * DIR/CPU…cpuprofile --window DIR/enables.json` (self and inclusive µs per enable by function).
 *
 * Runs under Node's default heap settings (no --max-old-space-size); `--expose-gc` makes the
 * heap figures exact (without it they include garbage not yet collected).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import type { Element } from '@xmpp/xml';
import { validateConfig } from '../src/core/config/load.js';
import type { HeraldConfig } from '../src/core/config/schema.js';
import { Herald } from '../src/embed/engine.js';
import { readHead } from '../src/shards/routing-key.js';
import { ShardedHerald } from '../src/shards/sharded-herald.js';
import { scalingSvg } from './e2e/chart.js';
import { measureScaling, scalingText, shardCounts, type PairedOptions } from './e2e/paired-rounds.js';
import { serverKindOf, startBenchServer } from './shared/apns-server.js';
import { progress, table } from './e2e/report.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { measuresSvg, shardedEnablesSvg } from './users/chart.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    pushes: { type: 'string', default: '200000' },
    window: { type: 'string', default: '1000' },
    'profile-window': { type: 'string' },
    scaling: { type: 'string', default: 'auto' },
    'scaling-pushes': { type: 'string', default: '20000' },
    'scaling-rounds': { type: 'string', default: '3' },
    server: { type: 'string', default: 'benchmark' },
    ...RESULTS_OPTION,
  },
});
const users = positive('--users', values.users);
const pushes = positive('--pushes', values.pushes);
/**
 * Requests in flight at once (enables: a closed loop; pushes: rounds of this many). Enables in
 * flight together share a commit, whose sync is a fixed wait per batch; what they hold meanwhile
 * is copied by the young-generation GC. Measured on 2 loaded cores (load 5–8), paired runs:
 * 200 000 users, 250 / 500 / 1000 / 2000 in flight: 17–20k / 26–29k / 35–37k / 16–18k enables/s
 * at 19.2 / 17.8 / 16.7 / 26.5 µs of CPU each; 1 000 000 users, 500 / 1000: 18.8k / 32.7k at
 * 21.7 / 18.9 µs.
 */
const windowSize = positive('--window', values.window);
/** Shard counts of the thread-scaling table: 1, 2, … up to the core count by default; `none` skips it. */
const scaling =
  values.scaling === 'none' ? [] : values.scaling === 'auto' ? Array.from({ length: os.availableParallelism() }, (_, i) => i + 1) : shardCounts(values.scaling!);
/**
 * The end-to-end runs of the scaling table (e2e/paired-rounds.ts), as bench/e2e.js runs them:
 * 2 HTTP/2 connections × 100 streams to the APNS simulator in its own process, 1000 push nodes,
 * Herald offered 25 % more publishes at once than the bare loop keeps in flight.
 */
const paired: PairedOptions = {
  pushes: positive('--scaling-pushes', values['scaling-pushes']),
  connections: 2,
  inFlight: 100,
  nodes: 1_000,
  window: 250,
};
const scalingRounds = positive('--scaling-rounds', values['scaling-rounds']);
const PUBSUB = 'push.example.net';
const MiB = 2 ** 20;
/** Idle user actors are passivated this fast here, so that "after passivation" comes soon. */
const PASSIVATE_AFTER_MS = 1_000;

function positive(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${text}`);
  return n;
}

/** A Herald whose host routes IQ replies to waiting requests and answers every publish at once. */
async function startHerald(config: HeraldConfig) {
  const waiting = new Map<string, (reply: Element) => void>();
  let published = 0;
  let herald!: Herald;
  herald = await Herald.start({
    config,
    host: {
      route(stanza) {
        const id = stanza.attrs.id as string;
        if (stanza.name === 'iq' && stanza.attrs.type === 'set') {
          // A publish to the remote App Server: answer it as a healthy one would.
          published++;
          void herald.handleStanza(`<iq type='result' id='${id}' from='${PUBSUB}' to='${stanza.attrs.from as string}'/>`);
          return;
        }
        const resolve = waiting.get(id);
        waiting.delete(id);
        resolve?.(stanza);
      },
    },
  });
  // A callback, not a promise per request: the harness should hold as little as it can while
  // thousands of requests wait for their commit (what it holds, the GC copies too).
  const send = (id: string, text: string, onReply: (reply: Element) => void): void => {
    waiting.set(id, onReply);
    void herald.handleStanza(text);
  };
  const ask = (id: string, text: string): Promise<Element> => new Promise((resolve) => send(id, text, resolve));
  return { herald, send, ask, published: () => published };
}

const enableText = (n: number, device: string, id: string) =>
  `<iq type='set' id='${id}' from='user${n}@localhost/phone' to='user${n}@localhost'>` +
  `<enable xmlns='urn:xmpp:push:0' jid='${PUBSUB}' node='${device}-${n}'/></iq>`;

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return v8.getHeapStatistics().used_heap_size;
}

/**
 * Runs `count` requests with at most `window` in flight; `start(k, answered)` sends request k,
 * whose answer must pass `check`. Progress is reported every `window` answers.
 */
function closedLoop<R>(
  count: number,
  window: number,
  start: (k: number, answered: (reply: R) => void) => void,
  check: (reply: R) => void,
  report: (done: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    let failed = false;
    const answered = (reply: R): void => {
      if (failed) return;
      try {
        check(reply);
      } catch (e) {
        failed = true;
        reject(e);
        return;
      }
      done++;
      if (done % window === 0 || done === count) report(done);
      if (done === count) resolve();
      else if (next < count) start(next++, answered);
    };
    while (next < Math.min(count, window)) start(next++, answered);
  });
}

/** CLOCK_MONOTONIC in µs, the clock of V8's profile samples. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function main(): Promise<void> {
  console.log(`# Herald users at scale — ${new Date().toISOString()}`);
  console.log(`# machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`# command: ${['node', ...process.execArgv, 'dist/bench/users.js', ...process.argv.slice(2)].join(' ')}`);
  console.log(`# heap limit ${Math.round(v8.getHeapStatistics().heap_size_limit / MiB)} MiB; gc exposed: ${typeof (globalThis as { gc?: unknown }).gc === 'function'}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-users-'));
  const config = validateConfig({
    store: { path: join(dir, 'lmdb'), max_size_mib: 8_192 },
    apns: { enabled: false },
    fcm: { enabled: false },
    rest: { enabled: false },
    actors: { passivate_after_ms: PASSIVATE_AFTER_MS },
  });
  const rows: string[][] = [];
  try {
    const baseHeap = heapUsed();
    const baseRss = process.memoryUsage().rss;
    let running = await startHerald(config);

    // 1. Enables: every user one device, every even user a second one; `--window` in flight at
    // once, the next one sent as soon as an answer comes back (closed loop).
    const enables = users + Math.ceil(users / 2);
    const report = progress('enables', enables);
    const commitsBefore = running.herald.xmppServer.storeCommitCount;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await closedLoop<Element>(
      enables,
      windowSize,
      (k, answered) => {
        // Enable k: user k/1.5's phone, or the tablet of an even user right after its phone.
        const n = Math.floor((2 * k) / 3);
        const id = `e${k}`;
        running.send(id, enableText(n, k % 3 === 1 ? 'tablet' : 'phone', id), answered);
      },
      // The reply is written out only when it fails the check (escaping it costs ~1 µs).
      (reply) => {
        if (reply.attrs.type !== 'result') assert.fail(`enable refused: ${reply.toString()}`);
      },
      report,
    );
    const enableS = (performance.now() - t0) / 1000;
    if (values['profile-window']) {
      // For profile-functions.js: the enable phase on the clock V8 stamps profile samples with.
      const toUs = monotonicUs();
      writeFileSync(values['profile-window'], JSON.stringify({ fromUs: toUs - enableS * 1e6, toUs, ops: enables }));
    }
    const cpu = process.cpuUsage(cpu0);
    const commits = running.herald.xmppServer.storeCommitCount - commitsBefore;
    rows.push(['acknowledged enables/s', (enables / enableS).toFixed(0), `${enables} enables of ${users} users in ${enableS.toFixed(1)} s, ${windowSize} in flight`]);
    rows.push(['CPU per acknowledged enable (µs)', ((cpu.user + cpu.system) / enables).toFixed(1), `this process, all threads (LMDB's writer included): ${(cpu.user / enables).toFixed(1)} user + ${(cpu.system / enables).toFixed(1)} system`]);
    rows.push(['enables per synced commit', (enables / commits).toFixed(0), `${commits} LMDB commits (each synced before its enables were answered)`]);
    // 2. Memory once every user actor is passivated.
    const liveAfterEnables = running.herald.xmppServer.liveUsers;
    await waitFor(() => running.herald.xmppServer.liveUsers === 0);
    const heap = heapUsed() - baseHeap;
    const rss = process.memoryUsage().rss - baseRss;
    const lmdb = running.herald.storeUsage()!.usedBytes;
    rows.push(['live user actors after the enables', String(liveAfterEnables), `cap actors.max_live_actors = ${config.actors.max_live_actors}`]);
    rows.push(['heap per idle user (B, after GC)', (heap / users).toFixed(0), `${(heap / MiB).toFixed(1)} MiB above the heap before the first enable`]);
    rows.push(['RSS per idle user (B)', (rss / users).toFixed(0), `${(rss / MiB).toFixed(0)} MiB above start (includes the LMDB pages mapped in)`]);
    rows.push(['LMDB bytes per user', (lmdb / users).toFixed(0), `${(lmdb / MiB).toFixed(0)} MiB in use`]);

    // 3. Pushes to random users, most of them cold.
    const pushReport = progress('pushes', pushes);
    const before = running.published();
    let cold = 0;
    let expected = 0;
    const stats = running.herald.xmppServer.stats;
    const settled = () => stats.publishesOk + stats.publishesFailed;
    const t1 = performance.now();
    for (let sent = 0; sent < pushes; ) {
      const count = Math.min(windowSize, pushes - sent);
      for (let k = 0; k < count; k++) {
        const n = Math.floor(Math.random() * users);
        if (!running.herald.xmppServer.isLive(`user${n}@localhost`)) cold++;
        expected += n % 2 === 0 ? 2 : 1; // one publish per device
        running.herald.messageToUser(`<message type='chat' id='m${sent + k}' from='friend@localhost/x' to='user${n}@localhost'><body>hello</body></message>`);
      }
      sent += count;
      await waitFor(() => settled() >= expected);
      pushReport(sent);
    }
    assert.equal(stats.publishesFailed, 0, 'every publish answered ok');
    const pushS = (performance.now() - t1) / 1000;
    const publishes = running.published() - before;
    rows.push(['messages pushed/s (random users)', (pushes / pushS).toFixed(0), `${publishes} publishes (${(publishes / pushS).toFixed(0)}/s); ${((100 * cold) / pushes).toFixed(1)} % of the users cold`]);

    // 4. Restart on the full store.
    await running.herald.close();
    const t2 = performance.now();
    running = await startHerald(config);
    const reply = await running.ask('first', `<iq type='set' id='first' from='user1@localhost/phone' to='user1@localhost'><disable xmlns='urn:xmpp:push:0' jid='${PUBSUB}' node='phone-1'/></iq>`);
    assert.equal(reply.attrs.type, 'result', reply.toString());
    rows.push(['start on the full store → first answer (ms)', (performance.now() - t2).toFixed(0), 'Herald.start() until its first IQ result']);
    await running.herald.close();
  } finally {
    console.log(table(['measure', 'value', 'detail'], rows));
    rmSync(dir, { recursive: true, force: true });
  }
  writeChart(values.results!, 'users-measures', measuresSvg(`Herald users at scale: ${users} users, ${windowSize} in flight`, `${users} users`, rows));
  if (scaling.length > 0) {
    // 5. The end-to-end pushes (publish IQs in, APNS 200s back) by shard count.
    const sim = await startBenchServer(serverKindOf(values.server), 1000);
    try {
      console.log(`\n# APNS server: ${sim.description}`);
      const measured = await measureScaling(sim, scaling, scalingRounds, paired);
      console.log(scalingText(measured));
      writeChart(values.results!, 'users-scaling', scalingSvg(measured));
    } finally {
      await sim.stop();
    }
    // 6. Acknowledged enables through a ShardedHerald, by shard count (each on a new store).
    const shardRows: string[][] = [];
    const count = Math.min(users + Math.ceil(users / 2), SHARDED_ENABLES);
    for (const shards of scaling.filter((n) => n > 0)) shardRows.push(await shardedEnables(shards, count));
    console.log(`\n# acknowledged enables through ShardedHerald: ${count} enables, ${windowSize} in flight, a new store per shard count`);
    console.log(table(['shards', 'enables/s', 'µs CPU/enable'], shardRows));
    writeChart(values.results!, 'users-sharded-enables', shardedEnablesSvg(`Acknowledged enables through ShardedHerald: ${count} enables, ${windowSize} in flight`, shardRows));
  }
}

/**
 * Enables per shard count in the sharded table: enough for a steady rate (the closed loop's
 * first seconds are JIT warm-up) while the default run stays within minutes.
 */
const SHARDED_ENABLES = 300_000;

/**
 * `count` enables (every user's phone, every even user's tablet) through a ShardedHerald with
 * `shards` shards: the replies come back as text from the shards. CPU is this process's, every
 * thread (main, shards, LMDB's writers).
 */
async function shardedEnables(shards: number, count: number): Promise<string[]> {
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-users-sharded-'));
  const config = validateConfig({
    store: { path: join(dir, 'lmdb'), max_size_mib: 8_192 },
    apns: { enabled: false },
    fcm: { enabled: false },
    rest: { enabled: false },
  });
  const waiting = new Map<string, (type: string) => void>();
  const answer = (id: string | undefined, type: string): void => {
    const resolve = waiting.get(id!);
    waiting.delete(id!);
    resolve?.(type);
  };
  const herald = await ShardedHerald.start(
    {
      config,
      host: {
        route: (stanza) => answer(stanza.attrs.id as string, stanza.attrs.type as string),
        routeText: (text) => {
          const head = readHead(text);
          answer(head?.id, head?.type ?? '');
        },
      },
    },
    shards,
  );
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await closedLoop<string>(
      count,
      windowSize,
      (k, answered) => {
        const n = Math.floor((2 * k) / 3);
        const id = `s${k}`;
        waiting.set(id, answered);
        void herald.handleStanza(enableText(n, k % 3 === 1 ? 'tablet' : 'phone', id));
      },
      (type) => {
        if (type !== 'result') assert.fail(`enable refused through ${shards} shards: ${type}`);
      },
      progress(`enables through ${shards} shards`, count),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return [String(shards), (count / seconds).toFixed(0), ((cpu.user + cpu.system) / count).toFixed(1)];
  } finally {
    await herald.close();
    rmSync(dir, { recursive: true, force: true });
  }
}


main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
