/**
 * The closed loop, for the maximum throughput: `outstanding` requests in flight at all times, the
 * next sent when one is answered, for `seconds`. Its latencies (send → answer) are those of a
 * saturated server, printed for comparison; the open loop (open-loop.ts) is what users feel.
 */
import type { Clock } from './clock.js';
import { latencyHistogram, recordMs, type Histogram } from './histogram.js';
import { DRAIN_TIMEOUT_MS } from './open-loop.js';
import type { Target } from './target.js';

const PROGRESS_EVERY_MS = 1_000;

export interface ClosedLoopOptions {
  target: Target;
  clock: Clock;
  outstanding: number;
  seconds: number;
  /** About once a second: seconds elapsed and successful answers so far. */
  onProgress?: (elapsedS: number, ok: number) => void;
}

export interface ClosedLoopResult {
  /** Successful answers within the `seconds`, per second. */
  okPerS: number;
  ok: number;
  failures: Record<string, number>;
  /** Requests still unanswered DRAIN_TIMEOUT_MS after the end. */
  lost: number;
  /** µs from send to successful answer. */
  latency: Histogram;
}

export async function runClosedLoop(o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const latency = latencyHistogram();
  const failures: Record<string, number> = {};
  const start = o.clock();
  const deadline = start + o.seconds * 1000;
  let ok = 0;
  let okInTime = 0;
  let inFlight = 0;
  let counting = true;
  const ticker = o.onProgress ? setInterval(() => o.onProgress!((o.clock() - start) / 1000, ok), PROGRESS_EVERY_MS) : undefined;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, o.seconds * 1000 + DRAIN_TIMEOUT_MS);
    const sendOne = (): void => {
      const at = o.clock();
      inFlight++;
      o.target.send((outcome) => {
        if (!counting) return; // past the drain timeout: counted lost
        const t = o.clock();
        inFlight--;
        if (outcome.ok) {
          ok++;
          if (t <= deadline) okInTime++;
          recordMs(latency, t - at);
        } else {
          failures[outcome.reason] = (failures[outcome.reason] ?? 0) + 1;
        }
        if (t < deadline) sendOne();
        else if (inFlight === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    };
    for (let i = 0; i < o.outstanding; i++) sendOne();
  });
  counting = false;
  if (ticker) clearInterval(ticker);
  return { okPerS: okInTime / o.seconds, ok, failures, lost: inFlight, latency };
}
