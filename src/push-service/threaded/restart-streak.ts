/**
 * When a sender thread is started again. A thread that died or could not start (EMFILE,
 * ERR_WORKER_INIT_FAILED) is retried forever while its pool exists, each time after a longer
 * wait: `apns.sender_thread_restart.backoff_ms`, doubled per failure in a row up to
 * `apns.sender_thread_restart.max_ms`, with equal jitter (threads that died together, e.g. when
 * the process ran out of file descriptors, do not all come back in the same millisecond).
 *
 * Failures in a row: failed starts, and deaths of a thread that had not yet stayed up for
 * `max_ms`. A thread that dies right after each start is thus restarted at most once per
 * `max_ms` once the delay has grown, never in a tight loop.
 */
import { backoffDelayMs, type Backoff } from '../../core/backoff.js';

export interface RestartSettings {
  /** Config `apns.sender_thread_restart`: `max_ms` is also how long a thread must stay up to end the streak. */
  backoff: Backoff;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
}

export class RestartStreak {
  /** Failures in a row (see the file comment). */
  private failures = 0;
  private stableTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: RestartSettings) {}

  /** Failures in a row so far (0 once a run was stable). */
  get inARow(): number {
    return this.failures;
  }

  /** Counts one failure and returns the wait before the next start, ms. */
  failed(): number {
    clearTimeout(this.stableTimer);
    this.stableTimer = undefined;
    const delay = backoffDelayMs(this.settings.backoff, this.failures, this.settings.random);
    this.failures++;
    return delay;
  }

  /** The thread is up: if it stays up for `max_ms`, the next failure starts a new streak. */
  started(): void {
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => {
      this.stableTimer = undefined;
      this.failures = 0;
    }, this.settings.backoff.max_ms);
    this.stableTimer.unref();
  }

  stop(): void {
    clearTimeout(this.stableTimer);
    this.stableTimer = undefined;
  }
}
