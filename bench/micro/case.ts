/**
 * A micro-benchmark case: the operation to time and the check that it is right. The runner
 * (bench/micro.ts) calls `check()` before timing `run`; the smoke test (test/bench) calls only
 * `check()`, so a broken hot path fails `npm test` without anyone reading benchmark numbers.
 */
export interface MicroCase {
  /** Row name in the results table. */
  readonly name: string;
  /** Throws (node:assert) unless the operation gives the expected result. */
  check(): void | Promise<void>;
  /** The timed operation; its result is kept so the engine cannot drop the work. */
  run(): unknown;
  /** Whether `run` returns a promise (tinybench then awaits each call). */
  readonly async: boolean;
  /**
   * Calls of `run` per timed sample. Operations shorter than about a microsecond are timed in
   * batches, since one hrtime call costs tens of nanoseconds and tinybench spends ~2 µs between
   * samples; a batch should take tens of µs. Their p99 is then the p99 of batch means. Default 1.
   */
  readonly batch?: number;
}

/** Cases sharing resources (an actor system, a store) that `close()` releases. */
export interface MicroSuite {
  readonly cases: readonly MicroCase[];
  close(): Promise<void>;
}

/** Sizes of the data the suites build: the runner's defaults, or small ones for the smoke test. */
export interface MicroScale {
  /** Actors the "spread" hop is distributed over. */
  actors: number;
  /** Users in the registration store, each with 1–3 registrations. */
  users: number;
}

export const BENCH_SCALE: MicroScale = Object.freeze({ actors: 10_000, users: 100_000 });
