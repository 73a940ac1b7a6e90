/**
 * One log line per interval for an event that can repeat at the rate an attacker chooses
 * (refused connections, unauthenticated requests, dropped stanzas): the first occurrence is
 * logged at once, the following ones within `intervalMs` are only counted, and one line with
 * the count (and the fields of the last occurrence) closes the interval. A flood costs a few
 * lines a minute, and an operator still sees that it happens and how much.
 */
import type { Logger, LogLevel } from './log.js';

export interface AggregatedLogOptions {
  log: Logger;
  event: string;
  level?: Exclude<LogLevel, 'debug'>;
  /** ms over which repeats are folded into one line. */
  intervalMs: number;
}

export class AggregatedLog {
  /** Occurrences since the last line. */
  private pending = 0;
  private lastFields: Record<string, unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Every occurrence ever recorded (tests, metrics). */
  total = 0;

  constructor(private readonly options: AggregatedLogOptions) {}

  record(fields?: Record<string, unknown>): void {
    this.total++;
    if (this.timer === undefined) {
      this.write({ ...fields, count: 1 });
      this.timer = setTimeout(() => this.closeInterval(), this.options.intervalMs);
      this.timer.unref();
      return;
    }
    this.pending++;
    this.lastFields = fields;
  }

  /** Writes what is pending now (at shutdown); later occurrences start a new interval. */
  flush(): void {
    clearTimeout(this.timer);
    this.closeInterval();
  }

  private closeInterval(): void {
    this.timer = undefined;
    if (this.pending === 0) return;
    const count = this.pending;
    this.pending = 0;
    this.write({ ...this.lastFields, count, repeated_within_ms: this.options.intervalMs });
    this.lastFields = undefined;
    // The interval that just closed had repeats: keep folding until one stays quiet.
    this.timer = setTimeout(() => this.closeInterval(), this.options.intervalMs);
    this.timer.unref();
  }

  private write(fields: Record<string, unknown>): void {
    this.options.log[this.options.level ?? 'warn'](this.options.event, fields);
  }
}
