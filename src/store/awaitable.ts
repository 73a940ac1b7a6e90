/** A read a backend may answer at once (LMDB reads its memory map) or later (PostgreSQL). */
export type Awaitable<T> = T | Promise<T>;

/**
 * `next(value)`, at once when `value` is already there (no microtask: LMDB's reads stay on the
 * caller's turn), after it resolves otherwise.
 */
export function andThen<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
