/**
 * Per-device-token outcomes that tests program in advance: an FCM error (UNREGISTERED,
 * QUOTA_EXCEEDED with Retry-After…) or a transport fault.
 */
import { HeraldError } from '../../core/errors.js';
import { isFcmErrorCode, type FcmErrorCode } from './fcm-errors.js';

/**
 * - `goaway`: GOAWAY (NO_ERROR) and the stream refused (HTTP/1.1: the socket is closed).
 * - `drop-connection`: the TCP/TLS socket is destroyed without any frame.
 * - `hang`: never answered (client timeout tests); the stream dies with its connection.
 */
export type TransportFault = 'goaway' | 'drop-connection' | 'hang';

export const TRANSPORT_FAULTS: ReadonlySet<string> = new Set(['goaway', 'drop-connection', 'hang']);

export interface TokenBehaviour {
  /** Answer this FCM error; its HTTP status comes from the reference table. */
  errorCode?: FcmErrorCode;
  /** Retry-After header, seconds. Without `errorCode` the answer is UNAVAILABLE (503). */
  retryAfterSeconds?: number;
  /** Break the transport instead of answering. Exclusive with `errorCode`. */
  fault?: TransportFault;
  /** Extra delay before the answer (or fault), ms, on top of the global latency. */
  delayMs?: number;
  /** Apply to the next `times` requests for this token only; unset = until cleared. */
  times?: number;
}

interface Entry {
  behaviour: TokenBehaviour;
  remaining: number;
}

export class TokenPrograms {
  private readonly byToken = new Map<string, Entry>();

  get size(): number {
    return this.byToken.size;
  }

  /** Programs `token` (FCM registration tokens are case-sensitive), replacing an earlier program. */
  set(token: string, behaviour: TokenBehaviour | TransportFault | FcmErrorCode): void {
    const b: TokenBehaviour =
      typeof behaviour !== 'string'
        ? { ...behaviour }
        : isFcmErrorCode(behaviour)
          ? { errorCode: behaviour }
          : { fault: behaviour };
    assertBehaviour(b);
    if (b.errorCode === undefined && b.fault === undefined) b.errorCode = 'UNAVAILABLE';
    this.byToken.set(token, { behaviour: b, remaining: b.times ?? Infinity });
  }

  /** The behaviour for this request, counting it against `times`. */
  take(token: string): TokenBehaviour | undefined {
    const entry = this.byToken.get(token);
    if (entry === undefined) return undefined;
    if (--entry.remaining <= 0) this.byToken.delete(token);
    return entry.behaviour;
  }

  clear(): void {
    this.byToken.clear();
  }
}

function assertBehaviour(b: TokenBehaviour): void {
  const bad = (detail: string): never => {
    throw new HeraldError('HERALD_CONFIG_INVALID', `FCM simulator program: ${detail}`);
  };
  if (b.fault !== undefined && !TRANSPORT_FAULTS.has(b.fault)) bad(`unknown fault ${String(b.fault)}`);
  if (b.errorCode !== undefined && !isFcmErrorCode(b.errorCode)) bad(`unknown errorCode ${String(b.errorCode)}`);
  if (b.fault !== undefined && (b.errorCode !== undefined || b.retryAfterSeconds !== undefined)) {
    bad('give either a fault or an error, not both');
  }
  if (b.fault === undefined && b.errorCode === undefined && b.retryAfterSeconds === undefined) {
    bad('give an errorCode, retryAfterSeconds or a fault');
  }
  if (b.times !== undefined && (!Number.isInteger(b.times) || b.times < 1)) bad('times must be a positive integer');
  if (b.delayMs !== undefined && !(b.delayMs >= 0)) bad('delayMs must be >= 0');
  if (b.retryAfterSeconds !== undefined && !(b.retryAfterSeconds >= 0)) bad('retryAfterSeconds must be >= 0');
}
