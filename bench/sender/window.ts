/**
 * Keeps `window` sends outstanding until `total` have settled, the way an application feeds a
 * push client: every settled send starts the next one. The same driver feeds Herald and
 * node-apn, so both are offered exactly the same load.
 */
import type { RunResult } from './protocol.js';

/** How a send ended: 'ok' for a 200, else the status or reason (counted as a failure). */
export type SendOutcome = 'ok' | string;

/**
 * What `send` may answer instead of starting: the client has no room now (Herald's
 * HERALD_MAILBOX_FULL). The driver retries the same notification after REFUSAL_BACKOFF_MS.
 */
export const NO_ROOM = Symbol('no room');

/** Wait before retrying a refused send: long enough for some answers to come back, far below a run. */
export const REFUSAL_BACKOFF_MS = 1;

export interface WindowOptions {
  total: number;
  window: number;
  send: () => Promise<SendOutcome> | typeof NO_ROOM;
  onProgress?: (done: number) => void;
}

export async function runWindow(o: WindowOptions): Promise<Omit<RunResult, 'cpuMs'>> {
  let started = 0;
  let ok = 0;
  let failed = 0;
  let refusals = 0;
  const failures: Record<string, number> = {};
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const settle = (outcome: SendOutcome): void => {
      if (outcome === 'ok') ok++;
      else {
        failed++;
        failures[outcome] = (failures[outcome] ?? 0) + 1;
      }
      const done = ok + failed;
      o.onProgress?.(done);
      if (done >= o.total) resolve();
      else startOne();
    };
    const startOne = (): void => {
      if (started >= o.total) return;
      started++;
      attempt();
    };
    const attempt = (): void => {
      let sent;
      try {
        sent = o.send();
      } catch (e) {
        settle(`threw ${(e as Error).message}`);
        return;
      }
      if (sent === NO_ROOM) {
        refusals++;
        setTimeout(attempt, REFUSAL_BACKOFF_MS);
        return;
      }
      sent.then(settle, (e: unknown) => settle(`rejected ${(e as Error)?.message ?? String(e)}`));
    };
    for (let i = 0; i < o.window; i++) startOne();
  });
  return { ok, failed, failures, refusals, ms: performance.now() - t0 };
}
