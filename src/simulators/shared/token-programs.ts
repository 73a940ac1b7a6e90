/**
 * Per-device-token outcomes that tests program in advance (a provider answer or a transport
 * fault); what a behaviour may hold is each simulator's own (../apns/programs.ts, ../fcm/programs.ts).
 */

/** The fields every program has, whatever the simulator. */
export interface ProgramBase {
  /** Extra delay before the answer (or fault), in ms, on top of the latency in force. */
  delayMs?: number;
  /** Apply to the next `times` requests for this token only; unset = until cleared. */
  times?: number;
  /** Retry-After header in seconds, with the programmed answer. */
  retryAfterSeconds?: number;
}

interface Entry<B> {
  behaviour: B;
  remaining: number;
}

export class TokenPrograms<B extends ProgramBase> {
  private readonly byToken = new Map<string, Entry<B>>();

  /** `normalise`: how tokens compare (APNS hex tokens are case-insensitive, FCM's are not). */
  constructor(private readonly normalise: (token: string) => string) {}

  get size(): number {
    return this.byToken.size;
  }

  /** Programs `token`, replacing any earlier program for it; `behaviour` must have been checked. */
  set(token: string, behaviour: B): void {
    this.byToken.set(this.normalise(token), { behaviour, remaining: behaviour.times ?? Infinity });
  }

  /** The behaviour for this request, counting it against `times`. */
  take(token: string): B | undefined {
    const key = this.normalise(token);
    const entry = this.byToken.get(key);
    if (entry === undefined) return undefined;
    if (--entry.remaining <= 0) this.byToken.delete(key);
    return entry.behaviour;
  }

  /** Removes `token`'s program, if any. */
  delete(token: string): void {
    this.byToken.delete(this.normalise(token));
  }

  clear(): void {
    this.byToken.clear();
  }
}

/** Problems with the fields every program has (`times`, `delayMs`, `retryAfterSeconds`). */
export function programBaseProblems(b: ProgramBase): string[] {
  const problems: string[] = [];
  if (b.times !== undefined && (!Number.isInteger(b.times) || b.times < 1)) problems.push('times must be a positive integer');
  if (b.delayMs !== undefined && !(b.delayMs >= 0)) problems.push('delayMs must be >= 0');
  if (b.retryAfterSeconds !== undefined && !(b.retryAfterSeconds >= 0)) problems.push('retryAfterSeconds must be >= 0');
  return problems;
}
