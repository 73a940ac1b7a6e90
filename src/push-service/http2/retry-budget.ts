/**
 * A retry budget (token bucket) per service, so that a failing provider cannot turn every
 * notification into several requests (a retry storm): each first attempt deposits `ratio` of a
 * retry, each retry withdraws one whole retry, and a small floor of `minPerS` retries a second
 * keeps light traffic retryable. When the bucket is empty a failure is reported at once.
 *
 * Deposits are one addition (the send path); time is only read when a retry is asked for.
 */

/**
 * Saved retries are capped at what this many first attempts deposit (1 000 at ratio 0.1): enough
 * to resend every stream of a connection that broke with them in flight (max_in_flight ≤ 1 000),
 * not enough to resend a long healthy period's worth at once.
 */
const RETRY_BUDGET_DEPOSITS_KEPT = 10_000;
/** … plus this many seconds of the floor, so that a quiet service still has a few retries saved. */
const RETRY_BUDGET_FLOOR_SECONDS_KEPT = 10;

export interface RetryBudgetOptions {
  /** Retries earned per first attempt, 0..1 (config `retry_budget_ratio`). */
  ratio: number;
  /** Retries a second allowed whatever the traffic (config `retry_budget_min_per_s`). */
  minPerS: number;
  /** Epoch-ms time source for the floor; default Date.now. */
  clock?: () => number;
}

export class RetryBudget {
  private balance: number;
  private refilledAt: number;
  private readonly ratio: number;
  private readonly minPerMs: number;
  private readonly capacity: number;
  private readonly clock: () => number;
  /** Retries refused because the bucket was empty. */
  exhausted = 0;

  constructor(options: RetryBudgetOptions) {
    this.ratio = options.ratio;
    this.minPerMs = options.minPerS / 1_000;
    this.capacity = options.ratio * RETRY_BUDGET_DEPOSITS_KEPT + options.minPerS * RETRY_BUDGET_FLOOR_SECONDS_KEPT;
    this.clock = options.clock ?? Date.now;
    this.refilledAt = this.clock();
    this.balance = Math.min(this.capacity, options.minPerS); // one second of the floor to start with
  }

  /** A first attempt went out. */
  deposit(): void {
    const balance = this.balance + this.ratio;
    this.balance = balance > this.capacity ? this.capacity : balance;
  }

  /** Takes one retry from the bucket; false (and counted) when it is empty. */
  tryWithdraw(): boolean {
    const now = this.clock();
    this.balance = Math.min(this.capacity, this.balance + (now - this.refilledAt) * this.minPerMs);
    this.refilledAt = now;
    if (this.balance >= 1) {
      this.balance -= 1;
      return true;
    }
    this.exhausted++;
    return false;
  }

  /** Whole retries available now (for stats). */
  get available(): number {
    return Math.floor(Math.min(this.capacity, this.balance + (this.clock() - this.refilledAt) * this.minPerMs));
  }
}
