/**
 * One contestant in its own process (forked by sender.ts with the kind as argv[2]), so that no
 * two clients share an event loop. Waits for a setup message, then runs one batch per `run`
 * message and answers with its result; exits on `close` or when the parent goes away.
 */
import {
  CONTESTANT_LABELS,
  type Contestant,
  type ContestantKind,
  type ContestantSettings,
  type FromContestant,
  type ToContestant,
} from './protocol.js';
import { progress } from '../e2e/report.js';

const kind = process.argv[2] as ContestantKind;
if (!(kind in CONTESTANT_LABELS)) throw new Error(`unknown contestant ${String(kind)}`);

/** Each process loads only its own client's code. */
async function start(settings: ContestantSettings): Promise<Contestant> {
  if (kind === 'herald') return (await import('./herald-contestant.js')).startHeraldContestant(settings);
  if (kind === 'node-apn') return (await import('./node-apn-contestant.js')).startNodeApnContestant(settings);
  return (await import('./bare-contestant.js')).startBareContestant(settings);
}

const reply = (message: FromContestant): void => {
  process.send!(message);
};

let contestant: Contestant | undefined;
process.on('message', (message: ToContestant) => {
  void handle(message).catch((e: unknown) => reply({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
// The parent died or let go: nothing will ask for more.
process.on('disconnect', () => void closeAndExit());

async function handle(message: ToContestant): Promise<void> {
  if (message.type === 'setup') {
    contestant = await start(message.settings);
    reply({ type: 'ready' });
  } else if (message.type === 'run') {
    const cpu0 = process.cpuUsage();
    const result = await contestant!.run(message.pushes, progress(message.label, message.pushes));
    const cpu = process.cpuUsage(cpu0);
    reply({ type: 'done', result: { ...result, cpuMs: (cpu.user + cpu.system) / 1000 } });
  } else {
    await closeAndExit();
  }
}

async function closeAndExit(): Promise<void> {
  const c = contestant;
  contestant = undefined;
  try {
    await c?.close();
  } catch (e) {
    process.stderr.write(`${kind}: closing failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
  process.exit();
}
