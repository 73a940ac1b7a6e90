/**
 * Per-device-token outcomes that tests program in advance: a provider answer Apple could give
 * (410 Unregistered, 429 TooManyRequests, 5xx with Retry-After…), or a transport fault.
 */
import { HeraldError } from '../../core/errors.js';

/**
 * - `refuse-stream`: RST_STREAM REFUSED_STREAM (RFC 9113 §8.7: not processed, safe to retry).
 * - `goaway`: GOAWAY carrying `{"reason":…}` (APNS sends its reasons there too), stream refused.
 * - `drop-connection`: the TCP/TLS socket is destroyed without any frame.
 * - `hang`: never answered (client timeout tests); the stream dies with its session.
 */
export type TransportFault = 'refuse-stream' | 'goaway' | 'drop-connection' | 'hang';

export const TRANSPORT_FAULTS: ReadonlySet<string> = new Set(['refuse-stream', 'goaway', 'drop-connection', 'hang']);

export interface TokenBehaviour {
  /** Answer this HTTP status instead of the normal outcome (needs `reason`). */
  status?: number;
  /** The `reason` of the JSON body, e.g. 'Unregistered'. */
  reason?: string;
  /** Retry-After header in seconds (Apple sends it with 429/503). */
  retryAfterSeconds?: number;
  /** Break the transport instead of answering. Exclusive with `status`. */
  fault?: TransportFault;
  /** Reason in the GOAWAY opaque data for `fault: 'goaway'`; default 'Shutdown'. */
  goawayReason?: string;
  /** Extra delay before the answer (or fault), in ms, on top of the global latency. */
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

  /** Programs `token` (hex, case-insensitive), replacing any earlier program for it. */
  set(token: string, behaviour: TokenBehaviour | TransportFault): void {
    const b = typeof behaviour === 'string' ? { fault: behaviour } : { ...behaviour };
    assertBehaviour(b);
    this.byToken.set(token.toLowerCase(), { behaviour: b, remaining: b.times ?? Infinity });
  }

  /** The behaviour for this request, counting it against `times`. */
  take(token: string): TokenBehaviour | undefined {
    const key = token.toLowerCase();
    const entry = this.byToken.get(key);
    if (entry === undefined) return undefined;
    if (--entry.remaining <= 0) this.byToken.delete(key);
    return entry.behaviour;
  }

  clear(): void {
    this.byToken.clear();
  }
}

function assertBehaviour(b: TokenBehaviour): void {
  const bad = (detail: string): never => {
    throw new HeraldError('HERALD_CONFIG_INVALID', `APNS simulator program: ${detail}`);
  };
  if (b.fault !== undefined && !TRANSPORT_FAULTS.has(b.fault)) bad(`unknown fault ${String(b.fault)}`);
  if (b.fault !== undefined && b.status !== undefined) bad('give either status or fault, not both');
  if (b.status !== undefined && (!Number.isInteger(b.status) || b.status < 200 || b.status > 599)) {
    bad(`status must be an HTTP status code, got ${b.status}`);
  }
  if ((b.status === undefined) !== (b.reason === undefined)) bad('status and reason go together');
  if (b.times !== undefined && (!Number.isInteger(b.times) || b.times < 1)) bad('times must be a positive integer');
  if (b.delayMs !== undefined && !(b.delayMs >= 0)) bad('delayMs must be >= 0');
  if (b.retryAfterSeconds !== undefined && !(b.retryAfterSeconds >= 0)) bad('retryAfterSeconds must be >= 0');
}
