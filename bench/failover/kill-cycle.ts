/**
 * One kill of the failover benchmark, under the steady load of paced-messages.ts: SIGKILL one
 * instance, wait for the survivor to hold the link (one_holds_the_link) and for a message sent
 * after the kill to be pushed, let the load run on, pause it until the pushes have settled,
 * match the cycle's messages to its pushes, then start the killed instance again and resume.
 */
import { eventually } from '../../test/support/eventually.js';
import type { KeyedApnsSimulator } from '../../test/support/keyed-apns-simulator.js';
import type { PacedMessages } from './paced-messages.js';
import type { InstancePair } from './pair.js';
import { takeoverWindow, type WindowFigures } from './takeover-window.js';

/** ms the survivor has to serve: a takeover slower than this is a failure, not a figure. */
const TAKEOVER_LIMIT_MS = 60_000;
/** ms the load runs on after the survivor served, so that late losses and duplicates are counted. */
const AFTER_SERVED_MS = 3_000;
/** ms without a new push after which the cycle's pushes are taken as all there will be. */
const SETTLED_MS = 2_000;
/** ms of load after a restart before the next kill. */
const STEADY_MS = 3_000;

export interface KillFigures extends WindowFigures {
  /** 1-based index of the instance killed. */
  victim: number;
  /** ms from the kill to the survivor's `component.leadership.acquired` (one_holds_the_link). */
  lockMs: number | undefined;
  /** ms from the kill to the survivor's `component.online` (one_holds_the_link). */
  linkMs: number | undefined;
}

export interface Cycle {
  pair: InstancePair;
  load: PacedMessages;
  apns: KeyedApnsSimulator;
  /** The instance to kill. */
  victim: number;
  /** Whether the survivor has to take the link over (one_holds_the_link) or holds one already. */
  takesOver: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the load for STEADY_MS, kills, measures, restarts the victim; the load is running when it resolves. */
export async function killCycle(c: Cycle, log: (line: string) => void): Promise<KillFigures> {
  const sentFrom = c.load.sent.length;
  const pushedFrom = c.apns.sim.received.length;
  await sleep(STEADY_MS);
  // The load must be pushed before the kill, or the figures after it say nothing.
  await eventually(() => c.apns.sim.received.length > pushedFrom, 'pushes of the load before the kill', TAKEOVER_LIMIT_MS);
  const survivor = c.pair.heralds[1 - c.victim]!;
  const logFrom = survivor.log.length;
  const killAt = Date.now();
  await c.pair.heralds[c.victim]!.kill9();
  const eventMs = (event: string) => {
    const line = survivor.log.slice(logFrom).find((l) => l.event === event);
    return line === undefined ? undefined : Date.parse(String(line.time)) - killAt;
  };
  if (c.takesOver) await eventually(() => eventMs('component.online') !== undefined, 'the survivor holding the link', TAKEOVER_LIMIT_MS, 5);
  const pushed = () => c.apns.sim.received.slice(pushedFrom).map((r) => ({ device: r.token.toLowerCase(), at: r.receivedAt }));
  const figures = () => takeoverWindow(c.load.sent.slice(sentFrom), pushed(), killAt);
  await eventually(() => figures().firstServedMs !== undefined, 'a push of a message sent after the kill', TAKEOVER_LIMIT_MS, 5);
  await sleep(AFTER_SERVED_MS);
  await c.load.pause();
  let count = -1;
  await eventually(
    async () => {
      const now = c.apns.sim.received.length;
      if (now === count) return true;
      count = now;
      await sleep(SETTLED_MS);
      return false;
    },
    'the pushes to settle',
    TAKEOVER_LIMIT_MS,
  );
  const result = { victim: c.victim + 1, lockMs: eventMs('component.leadership.acquired'), linkMs: eventMs('component.online'), ...figures() };
  log(`  killed instance ${result.victim}: ${JSON.stringify(result)}`);
  await c.pair.restart(c.victim);
  c.load.start();
  return result;
}
