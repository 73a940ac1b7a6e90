/**
 * Messages to users with an available session, on PostgreSQL, with Push 2.0 on (the default):
 * each asks whether the user has Push 2.0 registrations (a Push 2.0 device is pushed while the
 * user's other sessions are on). Two targets in paired rounds of one run (order alternating):
 *   - `remembered`: `xmpp_server.push2.users_without_cache` at its default — a user found to
 *     have none costs one query until a change of theirs (users-without-push2.ts);
 *   - `query each`: `users_without_cache = 0` — a query per message.
 * Each round starts a fresh XMPP Server role (its own pool, change feed and actors) on one
 * database, marks `--users` users online (none with a registration), hands it `--messages`
 * messages spread over them, and waits until it is idle. Reported per target and round:
 * messages/s, Push 2.0 reads sent to PostgreSQL, and µs of CPU per message in this process
 * (Herald and the driver, the same for both) and in PostgreSQL (postmaster and backends).
 *
 *   npm run build && node dist/bench/push2-online.js [--users 10000] [--messages 100000] [--rounds 4]
 *       [--results DIR]
 *
 * After the table, a chart of each target's messages/s per round (and the medians) is written to
 * `--results` (default results/ under the current directory), named by `# chart:`.
 *
 * The PostgreSQL is a private cluster of this run (test/support/postgres-cluster.ts, fsync on).
 */
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { startActorRuntime } from '../src/actors/index.js';
import { validateConfig } from '../src/core/config/load.js';
import { openPostgres } from '../src/store/postgres/open-postgres.js';
import type { PostgresPool } from '../src/store/postgres/postgres-pool.js';
import { PostgresChangeFeed } from '../src/store/postgres/postgres-change-feed.js';
import { PostgresRegistrations } from '../src/xmpp-server/postgres-registrations.js';
import { XmppServerRole } from '../src/xmpp-server/xmpp-server.js';
import { strictParse } from '../src/xmpp/parse.js';
import { postgresOptions, startPostgresCluster } from '../test/support/postgres-cluster.js';
import { median, table } from './e2e/report.js';
import { processTreeCpuMs } from './sender/process-cpu.js';
import { intFlag } from './shared/int-flag.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { roundCategories, roundsChart } from './shared/svg-chart.js';

const TARGETS = { remembered: undefined, 'query each': 0 } as const;
type Target = keyof typeof TARGETS;

interface Figures {
  perSecond: number;
  queries: number;
  cpuUs: number;
  postgresCpuUs: number;
}

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '4' },
    ...RESULTS_OPTION,
  },
});
const users = intFlag('--users', values.users, 1);
const messages = intFlag('--messages', values.messages, 1);
const rounds = intFlag('--rounds', values.rounds, 1);

const stanzas = Array.from({ length: messages }, (_, i) =>
  strictParse(`<message type='chat' id='m${i}' from='juliet@capulet.example/balcony' to='user${i % users}@example.com'><body>hello ${i}</body></message>`, 8),
);

console.log(`# command: node dist/bench/push2-online.js ${process.argv.slice(2).join(' ')}`);
const cluster = await startPostgresCluster();
try {
  const results = new Map<Target, Figures[]>(Object.keys(TARGETS).map((t) => [t as Target, []]));
  for (let round = 0; round < rounds; round++) {
    const order = Object.keys(TARGETS) as Target[];
    if (round % 2 === 1) order.reverse();
    for (const target of order) results.get(target)!.push(await run(target));
  }
  console.log(`# ${messages} messages to ${users} users with an available session and no Push 2.0 registration, PostgreSQL, ${rounds} paired rounds`);
  const rows = (Object.keys(TARGETS) as Target[]).map((target) => {
    const figures = results.get(target)!;
    const per = (pick: (f: Figures) => number) => figures.map(pick).map((v) => v.toFixed(0)).join(' / ');
    return [target, per((f) => f.perSecond), median(figures.map((f) => f.perSecond)).toFixed(0), per((f) => f.queries), per((f) => f.cpuUs), per((f) => f.postgresCpuUs)];
  });
  console.log(table(['target', 'messages/s per round', 'median', 'Push 2.0 reads', 'µs CPU/msg (this process)', 'µs CPU/msg (PostgreSQL)'], rows));
  const perSecond = (target: Target) => results.get(target)!.map((f) => f.perSecond);
  const ratios = perSecond('remembered').map((v, i) => v / perSecond('query each')[i]!);
  console.log(`remembered / query each: ${median(ratios).toFixed(2)} (median of the per-round messages/s ratios)`);
  writeChart(
    values.results,
    'push2-online',
    roundsChart({
      title: 'Push 2.0 on PostgreSQL: messages to users with an available session',
      unit: 'messages/s',
      categories: roundCategories(rounds),
      series: (Object.keys(TARGETS) as Target[]).map((target) => ({ name: target, values: [...perSecond(target), median(perSecond(target))] })),
    }),
  );
} finally {
  await cluster.dispose();
}

async function run(target: Target): Promise<Figures> {
  const cache = TARGETS[target];
  const config = validateConfig({ xmpp_server: { domain: 'example.com', ...(cache !== undefined && { push2: { users_without_cache: cache } }) } });
  const options = postgresOptions((await cluster.createDatabase()).url);
  const pool = await openPostgres(options);
  let queries = 0;
  const counting: PostgresPool = {
    ...pool,
    query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      if (text.startsWith('SELECT node FROM xmpp_server_registrations')) queries++;
      return pool.query<R>(text, values);
    },
  };
  const changes = await PostgresChangeFeed.open({ postgres: options, origin: pool.origin });
  const actors = startActorRuntime();
  const publisher = { publish: () => Promise.resolve({ ok: true as const }) };
  const role = new XmppServerRole({ config, actors, publisher, registrations: new PostgresRegistrations(counting), changes });
  try {
    for (let u = 0; u < users; u++) role.sessionAvailable(`user${u}@example.com/laptop`);
    const cpu = process.cpuUsage();
    const postgresCpu = processTreeCpuMs(cluster.pid) ?? Number.NaN;
    const started = performance.now();
    for (const stanza of stanzas) role.onMessage(stanza);
    await role.whenIdle();
    const elapsedMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      perSecond: (messages / elapsedMs) * 1_000,
      queries,
      cpuUs: (used.user + used.system) / messages,
      postgresCpuUs: (((processTreeCpuMs(cluster.pid) ?? Number.NaN) - postgresCpu) * 1_000) / messages,
    };
  } finally {
    await role.close();
    actors.stop();
    await changes.close();
    await pool.close();
  }
}
