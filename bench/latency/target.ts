/** What the load generators (open-loop.ts, closed-loop.ts) drive: one request per `send`. */
export interface Target {
  /** Sends one request now; `done` is called exactly once, with its outcome, never before `send` returns. */
  send(done: (outcome: Outcome) => void): void;
}

/** `reason` names a failure for the report: `HTTP 503`, `iq error wait/resource-constraint`, `connection closed`. */
export type Outcome = { ok: true } | { ok: false; reason: string };

export const OK: Outcome = { ok: true };

export function failed(reason: string): Outcome {
  return { ok: false, reason };
}
