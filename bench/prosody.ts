/**
 * Pushes through a real Prosody to Herald (issue 4): Prosody 0.12 (Debian's package) with
 * mod_cloud_notify, Herald joined to it as an XEP-0114 component by `herald start`, and Herald's
 * APNS senders talking HTTP/2 to the APNS simulator in accept-all mode. N receivers enable push
 * on Herald nodes, each for its own device token, and go offline; K senders (@xmpp/client) send
 * them chat messages, at most W in flight end to end, for S seconds (or M messages). Every push is
 * matched to its message by the sequence number in its body before any figure is printed.
 *
 *   npm run build && node dist/bench/prosody.js [--users 50] [--senders 5] [--seconds 10]
 *       [--messages 0] [--window 100] [--results DIR]
 *
 * After the tables, a chart of their figures (rates, latency percentiles, CPU per push) is written
 * to `--results` (default results/ under the current directory), named by `# chart:`.
 *
 * Processes: Prosody (Lua, one thread); Herald (`herald start`, its sender threads); this one
 * (the XMPP clients and the APNS simulator, which records each push with its receipt time on the
 * clock the send times are read from, so latency is one clock's difference).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Client } from '@xmpp/client';
import { startApnsSimulator, type ApnsSimulator } from '../src/simulators/apns/index.js';
import { disconnect } from '../test/interop/xmpp-clients.js';
import { COMPONENT_DOMAIN, ProsodyServer } from '../test/interop/prosody/prosody-server.js';
import { table } from './e2e/report.js';
import { connectSenders, prepareReceivers, receiverName, receiverToken, registerAccounts } from './prosody/accounts.js';
import { checkDeliveries, percentile } from './prosody/deliveries.js';
import { startHerald, type HeraldProcess } from './prosody/herald-process.js';
import { pushesPast, runLoad, STALL_TIMEOUT_MS } from './prosody/load.js';
import { processCpuMs } from './sender/process-cpu.js';
import { prosodySvg } from './prosody/chart.js';
import { intFlag } from './shared/int-flag.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';

const TEMPLATE = fileURLToPath(new URL('../../bench/prosody/prosody.cfg.lua', import.meta.url));
const SECRET = 'bench-component-secret';
/** Pushes the simulator keeps records of: a 10 s run at a few thousand/s, with room (≈ 1 KB each). */
const RECORD_LIMIT = 2_000_000;
/** Missing messages listed by number in the report. */
const MISSING_SHOWN = 10;
/** Prosody log lines shown when pushes went missing. */
const PROSODY_LINES_SHOWN = 15;

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '50' },
    senders: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    messages: { type: 'string', default: '0' },
    window: { type: 'string', default: '100' },
    ...RESULTS_OPTION,
  },
});
const users = intFlag('--users', values.users, 1);
const senderCount = intFlag('--senders', values.senders, 1);
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new Error(`--seconds needs a number > 0, got ${values.seconds}`);
const messages = intFlag('--messages', values.messages, 0);
const window = intFlag('--window', values.window, 1);

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`# Prosody → Herald push throughput — ${new Date().toISOString()}`);
  console.log(`# machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, Prosody ${prosodyVersion()}, load average ${os.loadavg()[0]!.toFixed(2)} at start`);
  console.log(`# command: node dist/bench/prosody.js ${process.argv.slice(2).join(' ')}`.trimEnd());
  console.log(
    `# --users ${users} --senders ${senderCount} --seconds ${seconds} --messages ${messages} --window ${window}` +
      (messages > 0 ? ` (stops after ${messages} messages)` : ` (sends for ${seconds} s)`),
  );
  console.log(
    '# path: senders (@xmpp/client, this process) → Prosody c2s → offline storage → mod_cloud_notify publish → ' +
      'XEP-0114 component → Herald App Server (`herald start`, own process) → APNS sender (HTTP/2) → APNS simulator, accept-all (this process)',
  );

  const now = (): number => performance.now();
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const sim = await startApnsSimulator({ acceptAll: true, clock: now, recordLimit: RECORD_LIMIT });
    cleanups.push(() => sim.close());
    const prosody = await ProsodyServer.start(SECRET, TEMPLATE);
    cleanups.push(() => prosody.dispose());
    const dir = mkdtempSync(join(os.tmpdir(), 'herald-bench-prosody-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const herald = await startHerald({
      dir,
      componentService: prosody.componentService,
      componentDomain: COMPONENT_DOMAIN,
      componentSecret: SECRET,
      apnsUrl: sim.url,
      apnsCa: sim.ca,
    });
    cleanups.push(() => herald.stop());

    const senderNames = Array.from({ length: senderCount }, (_, i) => `sender${i}`);
    const setup = now();
    registerAccounts(prosody, [...Array.from({ length: users }, (_, i) => receiverName(i)), ...senderNames]);
    process.stderr.write(`  registered ${users + senderCount} accounts in ${((now() - setup) / 1000).toFixed(1)} s\n`);
    await prepareReceivers(prosody, users);
    const senders = await connectSenders(prosody, senderNames);
    cleanups.push(() => disconnectAll(senders));
    process.stderr.write(`  set up ${users} receivers and ${senderCount} senders in ${((now() - setup) / 1000).toFixed(1)} s\n`);

    const pids = { prosody: prosodyPid(prosody), herald: herald.child.pid };
    const before = { prosody: processCpuMs(pids.prosody), herald: processCpuMs(pids.herald), own: process.cpuUsage() };
    const logMark = prosody.mark();
    const load = await runLoad({ senders, receivers: users, window, durationMs: seconds * 1000, total: messages, sim, now });
    const ownUs = process.cpuUsage(before.own);
    const cpuMs = {
      prosody: (processCpuMs(pids.prosody) ?? Number.NaN) - (before.prosody ?? Number.NaN),
      herald: (processCpuMs(pids.herald) ?? Number.NaN) - (before.herald ?? Number.NaN),
      own: (ownUs.user + ownUs.system) / 1000,
    };
    process.stderr.write(`  sent ${load.sentAt.length} messages; draining\n`);
    const drained = await drain(sim, load.sentAt.length, now);

    const check = checkDeliveries(sim.received, load.sentAt, (seq) => receiverToken(seq % users));
    const elapsedS = load.elapsedMs / 1000;
    console.log(
      table(
        ['users', 'senders', 'window', 'seconds', 'sent', 'Prosody acked/s', 'pushes/s', 'p50 ms', 'p99 ms', 'exactly once', 'lost', 'duplicates'],
        [
          [
            String(users),
            String(senderCount),
            String(window),
            elapsedS.toFixed(1),
            String(load.sentAt.length),
            (load.acked / elapsedS).toFixed(0),
            (load.pushed / elapsedS).toFixed(0),
            percentile(check.latenciesMs, 50).toFixed(1),
            percentile(check.latenciesMs, 99).toFixed(1),
            String(check.exactlyOnce),
            String(check.missing.length),
            String(check.duplicates),
          ],
        ],
      ),
    );
    console.log(`CPU while sending (${elapsedS.toFixed(1)} s; ${os.cpus().length} cores = ${os.cpus().length * 100}% at most):`);
    const cpuRow = (name: string, ms: number): string[] => [
      name,
      (ms / 1000).toFixed(2),
      ((ms / load.elapsedMs) * 100).toFixed(0),
      ((ms * 1000) / load.pushed).toFixed(0),
    ];
    const processes: Array<[string, number]> = [
      ['Prosody', cpuMs.prosody],
      ['Herald (herald start)', cpuMs.herald],
      ['bench: clients + APNS simulator', cpuMs.own],
    ];
    console.log(table(['process', 'CPU s', '% of one core', 'µs per push'], processes.map(([name, ms]) => cpuRow(name, ms))));
    writeChart(
      values.results!,
      'prosody',
      prosodySvg({
        run: `${users} users, ${senderCount} senders, window ${window}`,
        ackedPerS: load.acked / elapsedS,
        pushesPerS: load.pushed / elapsedS,
        p50Ms: percentile(check.latenciesMs, 50),
        p99Ms: percentile(check.latenciesMs, 99),
        cpuUsPerPush: processes.map(([name, ms]) => [name, (ms * 1000) / load.pushed]),
      }),
    );
    report(check, load, drained, herald, prosody.tail(prosody.mark() - logMark));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => console.error(e));
  }
}

/** Waits for the pushes of messages still in flight, as long as they keep coming; false if some never came. */
async function drain(sim: ApnsSimulator, sent: number, now: () => number): Promise<boolean> {
  while (sim.stats.accepted < sent) if (!(await pushesPast({ sim, now }, sim.stats.accepted))) return false;
  return true;
}

function report(
  check: ReturnType<typeof checkDeliveries>,
  load: Awaited<ReturnType<typeof runLoad>>,
  drained: boolean,
  herald: HeraldProcess,
  /** What Prosody logged (info and up) since the load started. */
  prosodyLog: string,
): void {
  const sent = load.sentAt.length;
  const clean = check.exactlyOnce === sent && check.duplicates === 0 && check.misrouted === 0 && check.foreign === 0;
  if (clean) {
    console.log(`all ${sent} messages pushed exactly once, each to its receiver's device token`);
    return;
  }
  process.exitCode = 1;
  console.log(
    `NOT exactly once: of ${sent} messages ${check.exactlyOnce} pushed once, ${check.missing.length} never ` +
      `(first: ${check.missing.slice(0, MISSING_SHOWN).join(', ')}), ${check.duplicates} duplicate pushes, ` +
      `${check.misrouted} to a wrong token, ${check.foreign} not from this run`,
  );
  console.log('causes seen:');
  if (load.stalled || !drained) console.log(`- no push for ${STALL_TIMEOUT_MS / 1000} s while messages were in flight (stall)`);
  if (load.sendErrors.length > 0) console.log(`- ${load.sendErrors.length} sends failed in the client, e.g. ${load.sendErrors[0]}`);
  const { exitCode, signalCode } = herald.child;
  if (exitCode !== null || signalCode !== null) console.log(`- Herald exited during the run (${signalCode ?? `code ${exitCode}`})`);
  for (const [event, n] of herald.problems) console.log(`- Herald logged ${event} ×${n}`);
  for (const line of herald.examples) console.log(`  ${line}`);
  // Warnings, errors and the component's comings and goings (info: "External component …").
  const prosodyLines = prosodyLog
    .split('\n')
    .filter((l) => /\s(warn|error)\t/.test(l) || /component/i.test(l))
    .slice(-PROSODY_LINES_SHOWN);
  for (const line of prosodyLines) console.log(`- Prosody: ${line}`);
}

async function disconnectAll(clients: readonly Client[]): Promise<void> {
  await Promise.all(clients.map((c) => disconnect(c)));
}

/** Prosody writes its pid to the config's pidfile (mod_posix) once it has started. */
function prosodyPid(prosody: ProsodyServer): number | undefined {
  try {
    return Number(readFileSync(join(prosody.dir, 'data', 'prosody.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

function prosodyVersion(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'prosody'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown version';
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
