/**
 * Deadlines that all lie the same time after their start (a request timeout), on one timer.
 *
 * Entries join at the tail as they start, so the list is in deadline order: the timer only ever
 * waits for the head. Joining and leaving are a few pointer writes, where a timer per request
 * costs a Timeout object, a libuv timer-list insert and an unlink (about 0.5 µs a request on
 * the REST path, and garbage). The timer is not moved when the head leaves early; when it fires
 * it expires what is due and waits for the new head. It is cleared when the list empties, so an
 * idle list holds no timer.
 */

/** What an entry carries; the list owns these fields (start with `deadlineAt: NaN`). */
export interface DeadlineEntry {
  /** performance.now() ms past which the entry expires; NaN while not listed. */
  deadlineAt: number;
  previousDeadline: DeadlineEntry | undefined;
  nextDeadline: DeadlineEntry | undefined;
}

export class DeadlineList<E extends DeadlineEntry> {
  private head: E | undefined;
  private tail: E | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Every entry's time from `add` to expiry, ms. */
    private readonly timeoutMs: number,
    /** Called once for an entry past its deadline, after it left the list. */
    private readonly onExpired: (entry: E) => void,
    /** false: the timer does not keep the process alive (something else does while entries wait). */
    private readonly ref = true,
  ) {}

  /** Starts `entry`'s time; it must not be listed already. */
  add(entry: E): void {
    entry.deadlineAt = performance.now() + this.timeoutMs;
    entry.previousDeadline = this.tail;
    entry.nextDeadline = undefined;
    if (this.tail === undefined) this.head = entry;
    else this.tail.nextDeadline = entry;
    this.tail = entry;
    // A list that was empty has no timer; a listed head has one, or `expire` is running and
    // arms it for the head once done.
    if (this.head === entry) this.arm(this.timeoutMs);
  }

  /** Stops `entry`'s time; nothing happens if it is not listed (expired or removed before). */
  remove(entry: E): void {
    if (Number.isNaN(entry.deadlineAt)) return;
    entry.deadlineAt = Number.NaN;
    const { previousDeadline: previous, nextDeadline: next } = entry;
    if (previous === undefined) this.head = next as E | undefined;
    else previous.nextDeadline = next;
    if (next === undefined) this.tail = previous as E | undefined;
    else next.previousDeadline = previous;
    entry.previousDeadline = undefined;
    entry.nextDeadline = undefined;
    if (this.head === undefined && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops the timer and forgets every entry without expiring them (the owner is closing). */
  clear(): void {
    while (this.head !== undefined) this.remove(this.head);
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(this.expire, Math.max(0, Math.ceil(delayMs)));
    if (!this.ref) this.timer.unref();
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    let entry: E | undefined;
    while ((entry = this.head) !== undefined && entry.deadlineAt <= now) {
      this.remove(entry);
      this.onExpired(entry);
    }
    if (this.head !== undefined && this.timer === undefined) this.arm(this.head.deadlineAt - now);
  };
}
