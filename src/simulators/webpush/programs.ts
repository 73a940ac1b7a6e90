/**
 * Per-subscription outcomes that tests program in advance: a refusal (gone, not found, 429,
 * 5xx) or a transport fault (drop-connection…), in place of the service's own answer.
 */
import { HeraldError } from '../../core/errors.js';
import { programBaseProblems, TokenPrograms, type ProgramBase } from '../shared/token-programs.js';
import { TRANSPORT_FAULTS, type TransportFault } from '../shared/transport-faults.js';
import { isProgrammableRefusal, type ProgrammableRefusal } from './refusals.js';

export type { TransportFault } from '../shared/transport-faults.js';

/** Over HTTP/1.1, which has neither GOAWAY nor stream resets, every fault but `hang` closes the connection. */
export interface SubscriptionBehaviour extends ProgramBase {
  /** Answer this refusal (its status is in refusals.ts). */
  refusal?: ProgrammableRefusal;
  /** Break the transport instead of answering. Exclusive with `refusal` and `retryAfterSeconds`. */
  fault?: TransportFault;
}

/** Subscription ids are case-sensitive (base64url). */
export function webPushPrograms(): TokenPrograms<SubscriptionBehaviour> {
  return new TokenPrograms<SubscriptionBehaviour>((id) => id);
}

/** The behaviour, checked: a name stands for `{ refusal }` or `{ fault }`; `retryAfterSeconds` alone means 429; `delayMs` alone, slow. */
export function toBehaviour(behaviour: SubscriptionBehaviour | ProgrammableRefusal | TransportFault): SubscriptionBehaviour {
  const b: SubscriptionBehaviour =
    typeof behaviour !== 'string' ? { ...behaviour } : isProgrammableRefusal(behaviour) ? { refusal: behaviour } : { fault: behaviour };
  const problems = programBaseProblems(b);
  if (b.fault !== undefined && !TRANSPORT_FAULTS.has(b.fault)) problems.push(`unknown fault ${String(b.fault)}`);
  if (b.refusal !== undefined && !isProgrammableRefusal(b.refusal)) problems.push(`unknown refusal ${String(b.refusal)}`);
  if (b.fault !== undefined && (b.refusal !== undefined || b.retryAfterSeconds !== undefined)) problems.push('give either a fault or a refusal, not both');
  // delayMs alone: a slow subscription, answered as usual after the delay.
  if (b.fault === undefined && b.refusal === undefined && b.retryAfterSeconds === undefined && b.delayMs === undefined) {
    problems.push('give a refusal, retryAfterSeconds, a fault or delayMs');
  }
  if (problems.length > 0) throw new HeraldError('HERALD_CONFIG_INVALID', `Web Push simulator program: ${problems.join('; ')}`);
  if (b.refusal === undefined && b.fault === undefined && b.retryAfterSeconds !== undefined) b.refusal = 'too-many-requests';
  return b;
}
