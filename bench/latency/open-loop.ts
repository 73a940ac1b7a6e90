/**
 * The open-loop generator: requests leave on a constant-rate schedule (schedule.ts), woken by the
 * metronome, whether or not earlier ones were answered; each latency runs from the *scheduled*
 * send time to the answer, so a server that stalls is charged for every request that queued
 * behind the stall, not only the one it was serving. How late each send actually left is
 * recorded too (schedule lag): a loaded generator shows there instead of passing unnoticed.
 * Sends leave when the metronome says they are due, and also whenever an answer is handled (the
 * loop is awake then anyway), so a busy generator does not wait for a wake-up it does not need.
 */
import type { Clock } from './clock.js';
import { latencyHistogram, percentiles, recordMs, type Histogram } from './histogram.js';
import type { Metronome } from './metronome.js';
import { dueBy, scheduledAt, type Schedule } from './schedule.js';
import type { Target } from './target.js';

/** ms from computing the schedule to send 0: the metronome thread has the schedule by then. */
const START_LEAD_MS = 10;
/**
 * ms an answer may take after the last scheduled send before its request is counted lost. Above
 * Herald's own APNS request timeout (apns.request_timeout_ms, 5 s), so a request Herald gives up
 * on is still answered (as a failure) within it.
 */
export const DRAIN_TIMEOUT_MS = 10_000;
const PROGRESS_EVERY_MS = 1_000;

export interface OpenLoopOptions {
  target: Target;
  metronome: Metronome;
  clock: Clock;
  ratePerS: number;
  seconds: number;
  /** About once a second while sending, with the figures so far. */
  onProgress?: (p: OpenLoopProgress) => void;
}

export interface OpenLoopProgress {
  elapsedS: number;
  scheduled: number;
  sent: number;
  answered: number;
  lagP99Ms: number;
}

export interface OpenLoopResult {
  ratePerS: number;
  scheduled: number;
  sent: number;
  ok: number;
  /** Answers that were not a success, by reason. */
  failures: Record<string, number>;
  /** Requests still unanswered DRAIN_TIMEOUT_MS after the last scheduled send. */
  lost: number;
  /** µs from each request's scheduled send time to its (successful) answer. */
  latency: Histogram;
  /**
   * µs from the moment each request was actually handed to the target to its (successful)
   * answer: `latency` less the generator's own lateness, for telling the two apart (a late
   * generator inflates `latency` for every contestant alike).
   */
  fromSend: Histogram;
  /** µs from each request's scheduled send time to the moment it was handed to the target. */
  lag: Histogram;
  /** Sends per second, first scheduled send to last actual one (= ratePerS when on time). */
  sentPerS: number;
  /** Answers per second, first scheduled send to last answer. */
  answeredPerS: number;
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const schedule: Schedule = {
    startMs: o.clock() + START_LEAD_MS,
    ratePerS: o.ratePerS,
    count: Math.max(1, Math.round(o.ratePerS * o.seconds)),
  };
  const latency = latencyHistogram();
  const fromSend = latencyHistogram();
  const lag = latencyHistogram();
  const failures: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  let answered = 0;
  let lastSentMs = schedule.startMs;
  let lastAnswerMs = schedule.startMs;
  let counting = true;
  let drained: (() => void) | undefined;

  const sendDue = (due: number): void => {
    while (sent < due) {
      const at = scheduledAt(schedule, sent);
      sent++;
      const now = o.clock();
      recordMs(lag, now - at);
      lastSentMs = now;
      o.target.send((outcome) => {
        if (!counting) return; // past the drain timeout: already counted lost
        const t = o.clock();
        sendDue(dueBy(schedule, t));
        answered++;
        lastAnswerMs = t;
        if (outcome.ok) {
          ok++;
          recordMs(latency, t - at);
          recordMs(fromSend, t - now);
        } else {
          failures[outcome.reason] = (failures[outcome.reason] ?? 0) + 1;
        }
        if (answered === schedule.count) drained?.();
      });
    }
    o.metronome.sent(sent);
  };

  const ticker = o.onProgress
    ? setInterval(() => {
        o.onProgress!({
          elapsedS: (o.clock() - schedule.startMs) / 1000,
          scheduled: schedule.count,
          sent,
          answered,
          lagP99Ms: percentiles(lag).p99Ms,
        });
      }, PROGRESS_EVERY_MS)
    : undefined;
  try {
    await o.metronome.run(schedule, sendDue);
  } finally {
    if (ticker) clearInterval(ticker);
  }
  if (answered < schedule.count) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
      drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  counting = false;
  return {
    ratePerS: o.ratePerS,
    scheduled: schedule.count,
    sent,
    ok,
    failures,
    lost: sent - answered,
    latency,
    fromSend,
    lag,
    sentPerS: sent / ((lastSentMs - schedule.startMs) / 1000 + 1 / o.ratePerS),
    answeredPerS: answered / Math.max((lastAnswerMs - schedule.startMs) / 1000, 1 / o.ratePerS),
  };
}
