/**
 * One plugin hook call under a time budget (plugins.hook_budget_ms). The caller gets the hook's
 * answer, or `undefined` — "use the default" — when the hook
 *   - throws, or its promise rejects                         → `threw`,
 *   - answers after the budget (a promise, or a synchronous
 *     call that overran it), or never                        → `timeout`,
 *   - answers something its check refuses                     → `bad_result`,
 * and `failed(kind, reason)` is told once. A late answer is dropped.
 *
 * The limit no budget lifts: JavaScript cannot interrupt a synchronous call. A hook that loops
 * forever holds its thread (the whole engine unsharded, one shard's users sharded: the other
 * shards go on, but the main thread waits on that shard). It is the operator's code, trusted to
 * return; what is contained is a hook that fails or is slow.
 */
import { performance } from 'node:perf_hooks';
import type { Awaitable } from '../store/awaitable.js';

export type FailureKind = 'threw' | 'timeout' | 'bad_result';

/** The answer's check: the value to use, or a string saying what is wrong with it. */
export type AnswerCheck<T> = (answer: unknown) => { value: T } | string;

export function containedCall<T>(
  invoke: () => unknown,
  budgetMs: number,
  check: AnswerCheck<T>,
  failed: (kind: FailureKind, reason: string) => void,
): Awaitable<T | undefined> {
  const started = performance.now();
  let answer: unknown;
  let later: boolean;
  try {
    answer = invoke();
    later = isThenable(answer); // a `then` getter may throw too
  } catch (e) {
    failed('threw', reasonOf(e));
    return undefined;
  }
  if (!later) {
    const took = performance.now() - started;
    if (took > budgetMs) {
      failed('timeout', `answered after ${Math.round(took)} ms, over the ${budgetMs} ms budget`);
      return undefined;
    }
    return checked(answer, check, failed);
  }
  return new Promise<T | undefined>((resolve) => {
    let settled = false;
    const settle = (value: T | undefined) => {
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      failed('timeout', `no answer within the ${budgetMs} ms budget`);
      settle(undefined);
    }, budgetMs);
    // Promise.resolve adopts any thenable without calling into it now: a `then` that throws rejects.
    Promise.resolve(answer).then(
      (value) => {
        if (!settled) settle(checked(value, check, failed));
      },
      (e: unknown) => {
        if (settled) return;
        failed('threw', reasonOf(e));
        settle(undefined);
      },
    );
  });
}

function checked<T>(answer: unknown, check: AnswerCheck<T>, failed: (kind: FailureKind, reason: string) => void): T | undefined {
  const result = check(answer);
  if (typeof result === 'string') {
    failed('bad_result', result);
    return undefined;
  }
  return result.value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** What a throw says, whatever was thrown (a plugin may throw anything). */
function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return `threw ${String(e)}`;
  } catch {
    return 'threw a value that cannot be printed';
  }
}
