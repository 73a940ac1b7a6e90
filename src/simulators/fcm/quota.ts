/**
 * FCM's per-project message quota as a fixed-window bucket; a window opens with the first
 * message after the previous one ended (FCM's windows are not clock-aligned: apns-fcm.md).
 */
import type { QuotaOptions } from './options.js';

export type QuotaVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export class QuotaBucket {
  private windowStart = -Infinity;
  private used = 0;

  constructor(
    private readonly quota: QuotaOptions,
    private readonly clock: () => number,
  ) {}

  take(): QuotaVerdict {
    const now = this.clock();
    if (now >= this.windowStart + this.quota.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used < this.quota.messages) {
      this.used++;
      return { ok: true };
    }
    // Retry-After in whole seconds (RFC 9110 §10.2.3), at least 1 so a client does wait.
    const left = this.windowStart + this.quota.windowMs - now;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(left / 1_000)) };
  }

  reset(): void {
    this.windowStart = -Infinity;
    this.used = 0;
  }
}
