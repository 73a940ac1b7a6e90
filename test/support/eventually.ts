/**
 * The one way a test waits for something to happen: poll a check until it holds, and fail — naming
 * what was awaited — when it never does. A wait is a condition, never a fixed sleep.
 */

/** How long `eventually` waits unless told: generous, since a failing wait costs only time. */
export const EVENTUALLY_TIMEOUT_MS = 5_000;

/** Between two checks: short enough not to slow a test, long enough not to spin the CPU. */
const POLL_EVERY_MS = 5;

/**
 * Resolves once `check` (sync or async) returns true; rejects with `what` and the timeout when it
 * has not within `timeoutMs`. A check that throws rejects at once with its error.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = EVENTUALLY_TIMEOUT_MS,
  everyMs = POLL_EVERY_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
