/**
 * Per-device-token outcomes that tests program in advance: an FCM error (UNREGISTERED,
 * QUOTA_EXCEEDED with Retry-After…) or a transport fault.
 */
import { HeraldError } from '../../core/errors.js';
import { programBaseProblems, TokenPrograms, type ProgramBase } from '../shared/token-programs.js';
import { TRANSPORT_FAULTS, type TransportFault } from '../shared/transport-faults.js';
import { isFcmErrorCode, type FcmErrorCode } from './fcm-errors.js';

export type { TransportFault } from '../shared/transport-faults.js';

/** Over HTTP/1.1, which has neither GOAWAY nor stream resets, every fault but `hang` closes the connection. */
export interface TokenBehaviour extends ProgramBase {
  /** Answer this FCM error; its HTTP status comes from the reference table. */
  errorCode?: FcmErrorCode;
  /** Break the transport instead of answering. Exclusive with `errorCode` and `retryAfterSeconds`. */
  fault?: TransportFault;
  /** Text in the GOAWAY debug data for `fault: 'goaway'` (Google documents none; default none). */
  goawayReason?: string;
}

/** FCM registration tokens are case-sensitive. */
export function fcmPrograms(): TokenPrograms<TokenBehaviour> {
  return new TokenPrograms<TokenBehaviour>((token) => token);
}

/**
 * The behaviour, checked: an error code or fault name stands for `{ errorCode }` / `{ fault }`,
 * `retryAfterSeconds` alone means UNAVAILABLE (503), and `delayMs` alone a slow device (the
 * usual answer, after it).
 */
export function toBehaviour(behaviour: TokenBehaviour | TransportFault | FcmErrorCode): TokenBehaviour {
  const b: TokenBehaviour =
    typeof behaviour !== 'string'
      ? { ...behaviour }
      : isFcmErrorCode(behaviour)
        ? { errorCode: behaviour }
        : { fault: behaviour };
  const problems = programBaseProblems(b);
  if (b.fault !== undefined && !TRANSPORT_FAULTS.has(b.fault)) problems.push(`unknown fault ${String(b.fault)}`);
  if (b.errorCode !== undefined && !isFcmErrorCode(b.errorCode)) problems.push(`unknown errorCode ${String(b.errorCode)}`);
  if (b.fault !== undefined && (b.errorCode !== undefined || b.retryAfterSeconds !== undefined)) {
    problems.push('give either a fault or an error, not both');
  }
  if (b.goawayReason !== undefined && b.fault !== 'goaway') problems.push('goawayReason goes with fault goaway');
  if (b.fault === undefined && b.errorCode === undefined && b.retryAfterSeconds === undefined && b.delayMs === undefined) {
    problems.push('give an errorCode, retryAfterSeconds, a fault, or delayMs alone (a slow device)');
  }
  if (problems.length > 0) throw new HeraldError('HERALD_CONFIG_INVALID', `FCM simulator program: ${problems.join('; ')}`);
  if (b.errorCode === undefined && b.fault === undefined && b.retryAfterSeconds !== undefined) b.errorCode = 'UNAVAILABLE';
  return b;
}
