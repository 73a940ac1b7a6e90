/**
 * Preloaded into `herald start` with `node --import` (nothing in Herald knows of it; worker
 * threads inherit the flag): in shard 0's worker, once the file HERALD_TEST_SHARD_FAULT names
 * appears, it is removed and an exception is thrown outside any handler of Herald's, so the
 * shard dies as it would of a bug or an EMFILE of its own. Other threads ignore it.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';

/** ms between looks for the trigger file (stat only: no descriptor needed). */
const POLL_MS = 20;

const trigger = process.env.HERALD_TEST_SHARD_FAULT;
const shard = workerData as { index?: unknown; idPrefix?: unknown } | undefined;
if (!isMainThread && trigger !== undefined && typeof shard?.idPrefix === 'string' && shard.index === 0) {
  const timer = setInterval(() => {
    if (!existsSync(trigger)) return;
    try {
      unlinkSync(trigger);
    } catch {
      return;
    }
    throw new Error('injected fault: shard 0 dies');
  }, POLL_MS);
  timer.unref();
}
