/**
 * Access tokens the simulator issued, expiring on the simulator's clock.
 */
import { randomBytes } from 'node:crypto';

/** Tokens kept at most; past it expired ones are pruned, then the oldest dropped (memory bound). */
const MAX_LIVE_ACCESS_TOKENS = 10_000;
/** Random bytes per token: unguessable, like Google's opaque `ya29.` tokens. */
const TOKEN_BYTES = 32;

export class AccessTokens {
  issued = 0;
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: () => number) {}

  issue(lifetimeSeconds: number): string {
    const token = `ya29.sim-${randomBytes(TOKEN_BYTES).toString('base64url')}`;
    if (this.expiries.size >= MAX_LIVE_ACCESS_TOKENS) this.prune();
    this.expiries.set(token, this.clock() + lifetimeSeconds * 1_000);
    this.issued++;
    return token;
  }

  /** 'valid', 'expired' or 'unknown' at the current time. */
  check(token: string): 'valid' | 'expired' | 'unknown' {
    const expiry = this.expiries.get(token);
    if (expiry === undefined) return 'unknown';
    return this.clock() < expiry ? 'valid' : 'expired';
  }

  reset(): void {
    this.expiries.clear();
    this.issued = 0;
  }

  private prune(): void {
    const now = this.clock();
    for (const [token, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(token);
    // Map order is insertion order: the first entries are the oldest.
    for (const token of this.expiries.keys()) {
      if (this.expiries.size < MAX_LIVE_ACCESS_TOKENS) break;
      this.expiries.delete(token);
    }
  }
}
