/**
 * Failover (issue 11: "kill -9 one instance mid-load → the other keeps serving within seconds"),
 * measured. Two `herald start` processes on one PostgreSQL (a private cluster of this run), config
 * defaults (so `component.leadership.poll_ms` as config/default.toml has it, not the tests' shorter
 * one), one shared APNS key, joined as component `push.localhost`:
 *   - to a real Prosody 0.12 with `component.instances = "one_holds_the_link"`: one instance holds
 *     the link, the other stands by; the holder is killed;
 *   - to a real ejabberd 23.01 with `"all_join"`: both hold a link, ejabberd spreads the stanzas;
 *     the two are killed in turn.
 * Under a steady load (one sender, chat messages to offline receivers with push enabled, in turn,
 * at --rate messages/s), each kill (SIGKILL) is timed from the kill to
 *   - the survivor's lock and link (Prosody: `component.leadership.acquired`, `component.online`),
 *   - the first push of a message sent after the kill (necessarily through the survivor),
 * and the cycle's messages are matched to their pushes: lost (no push) and duplicated. The killed
 * instance is started again before the next kill.
 *
 *   npm run build && node dist/bench/failover.js [--kills 5] [--receivers 20] [--rate 10]
 *       [--servers prosody,ejabberd] [--results DIR]
 *
 * After each server's table, two charts are written to `--results` (default results/ under the
 * current directory), each named by `# chart:`: the takeover times of each kill (and their
 * medians), and the messages each kill lost or duplicated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../src/core/config/load.js';
import { EjabberdServer } from '../test/interop/ejabberd/ejabberd-server.js';
import { ProsodyServer } from '../test/interop/prosody/prosody-server.js';
import type { RealServer } from '../test/interop/push-scenarios.js';
import { disconnect } from '../test/interop/xmpp-clients.js';
import { eventually } from '../test/support/eventually.js';
import { startKeyedApnsSimulator } from '../test/support/keyed-apns-simulator.js';
import { startPostgresCluster, type PostgresCluster } from '../test/support/postgres-cluster.js';
import { median, table } from './e2e/report.js';
import { failoverCharts } from './failover/chart.js';
import { killCycle, type KillFigures } from './failover/kill-cycle.js';
import { PacedMessages } from './failover/paced-messages.js';
import { InstancePair, type InstancesMode } from './failover/pair.js';
import { connectSenders, prepareReceivers, receiverName, registerAccounts } from './prosody/accounts.js';
import { intFlag } from './shared/int-flag.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';

const SECRET = 'failover-bench-secret';
/** Receivers set up at once: few, as the kills happen on a machine other loads may share (a login answers within 10 s or fails). */
const SETUP_CONCURRENCY = 2;
const SERVERS = {
  prosody: { label: 'Prosody 0.12, one_holds_the_link', instances: 'one_holds_the_link', start: () => ProsodyServer.start(SECRET) },
  ejabberd: { label: 'ejabberd 23.01, all_join', instances: 'all_join', start: () => EjabberdServer.start(SECRET) },
} satisfies Record<string, { label: string; instances: InstancesMode; start(): Promise<RealServer & { componentService: string }> }>;
type ServerName = keyof typeof SERVERS;

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '5' },
    /** Offline receivers the messages go to in turn: each gets one every receivers/rate seconds. */
    receivers: { type: 'string', default: '20' },
    /** Messages per second. */
    rate: { type: 'string', default: '10' },
    servers: { type: 'string', default: 'prosody,ejabberd' },
    ...RESULTS_OPTION,
  },
});
const kills = intFlag('--kills', values.kills, 1);
const receivers = intFlag('--receivers', values.receivers, 2);
const rate = intFlag('--rate', values.rate, 1);
const servers = values.servers.split(',').map((name) => {
  if (!(name in SERVERS)) throw new Error(`--servers: unknown server ${name} (prosody, ejabberd)`);
  return name as ServerName;
});
const defaults = validateConfig({});

async function main(): Promise<void> {
  console.log(`# Failover: two Herald instances on one PostgreSQL, one killed -9 under load — ${new Date().toISOString()}`);
  console.log(`# machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)} at start`);
  console.log(`# command: node dist/bench/failover.js ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(`# --kills ${kills} --receivers ${receivers} --rate ${rate} --servers ${servers.join(',')}: each receiver gets a message every ${(receivers / rate).toFixed(1)} s`);
  console.log(`# each Herald: herald start, config defaults (component.leadership.poll_ms = ${defaults.component.leadership.poll_ms}, store.postgres.connect_timeout_ms = ${defaults.store.postgres.connect_timeout_ms}), one APNS key shared through PostgreSQL; APNS simulator checking tokens; PostgreSQL: private cluster`);
  const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-failover-'));
  let postgres: PostgresCluster | undefined;
  const results = new Map<ServerName, KillFigures[]>();
  try {
    postgres = await startPostgresCluster();
    for (const name of servers) results.set(name, await runOn(name, postgres, mkdtempSync(join(dir, `${name}-`))));
  } finally {
    await postgres?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`# load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
  for (const [name, figures] of results) print(name, figures);
  printBounds();
}

async function runOn(name: ServerName, postgres: PostgresCluster, dir: string): Promise<KillFigures[]> {
  const s = SERVERS[name];
  process.stderr.write(`${s.label}: starting\n`);
  // A key of its own per server: its pair shares a token through a database of its own, and
  // Apple (the simulator) refuses a second token of one key within 20 minutes.
  const apns = await startKeyedApnsSimulator(1);
  const server = await s.start().catch(async (e: unknown) => {
    await apns.sim.close();
    throw e;
  });
  let pair: InstancePair | undefined;
  try {
    const db = await postgres.createDatabase();
    pair = await InstancePair.start({ dir, apns, postgres: db.url, component: { service: server.componentService, password: SECRET }, instances: s.instances });
    const linked = s.instances === 'all_join' ? 2 : 1;
    const p = pair;
    await eventually(() => p.joined().length === linked, `${linked} instance(s) joined`, 30_000);
    registerAccounts(server, [...Array.from({ length: receivers }, (_, i) => receiverName(i)), 'sender0']);
    await prepareReceivers(server, receivers, SETUP_CONCURRENCY);
    const [sender] = await connectSenders(server, ['sender0']);
    const load = new PacedMessages(sender!, receivers, rate);
    const figures: KillFigures[] = [];
    load.start();
    try {
      for (let k = 0; k < kills; k++) {
        // On Prosody the holder of the link; on ejabberd each instance in turn.
        const victim = s.instances === 'all_join' ? k % 2 : p.joined()[0]!;
        figures.push(await killCycle({ pair: p, load, apns, victim, takesOver: s.instances === 'one_holds_the_link' }, (line) => process.stderr.write(`${line}\n`)));
      }
    } finally {
      await load.pause();
      await disconnect(sender!);
    }
    return figures;
  } finally {
    await pair?.stop();
    await server.dispose();
    await apns.sim.close();
  }
}

const ms = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(0));

function print(name: ServerName, figures: KillFigures[]): void {
  console.log(`\n## ${SERVERS[name].label}: ${figures.length} kills`);
  const rows = figures.map((f, i) => [String(i + 1), String(f.victim), ms(f.lockMs), ms(f.linkMs), ms(f.firstServedMs), ms(f.lastLostSentMs), String(f.messages), String(f.lost), String(f.duplicated)]);
  const summary = (label: string, pick: (values: number[]) => number) => {
    const of = (f: (k: KillFigures) => number | undefined) => {
      const values = figures.map(f).filter((v): v is number => v !== undefined);
      return values.length === 0 ? '—' : pick(values).toFixed(0);
    };
    return [label, '', of((f) => f.lockMs), of((f) => f.linkMs), of((f) => f.firstServedMs), of((f) => f.lastLostSentMs), of((f) => f.messages), of((f) => f.lost), of((f) => f.duplicated)];
  };
  rows.push(summary('median', median), summary('max', (v) => Math.max(...v)));
  console.log(
    table(['kill', 'killed', 'lock ms', 'link ms', 'first push ms', 'last lost sent ms', 'messages', 'lost', 'duplicated'], rows),
  );
  for (const chart of failoverCharts(name, SERVERS[name].label, figures)) writeChart(values.results, chart.name, chart.svg);
}

function printBounds(): void {
  const poll = defaults.component.leadership.poll_ms;
  console.log(`
lock/link ms: from the kill to the survivor's component.leadership.acquired / component.online (Prosody only: on ejabberd the
survivor holds its own link all along). first push ms: to the first push of a message sent after the kill. last lost sent ms:
when the last message that got no push was sent, from the kill (negative: before it). lost: messages that got no push (the
message itself waits in the receiver's offline storage); duplicated: pushes beyond one for a message. On this machine's clock.
What bounds the takeover:
  - one_holds_the_link: kill -9 closes the victim's sockets at once, so PostgreSQL ends its lock session and releases the
    advisory lock, and Prosody drops its link, within milliseconds. The standby tries the lock every poll_ms (${poll} ms), so
    it gets it within ${poll} ms of the kill, then joins (one XEP-0114 handshake). Messages sent before the survivor's link
    is up are answered by Prosody itself (wait/remote-server-timeout) and never pushed: they are the lost ones.
  - all_join: nothing to take over; ejabberd stops routing to the dead link once it has seen the socket close; stanzas routed
    to it before that are lost with it.
  - A host that vanishes without closing its sockets (power, network) is not measured here: PostgreSQL releases the lock
    only when it notices the dead session, as fast as its tcp_keepalives_idle/interval/count allow (Linux defaults: over two
    hours; docs/several-instances.md), and Prosody (kick_new) refuses the new leader until it drops the old link.`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
