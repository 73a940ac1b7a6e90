/**
 * Per-device-token outcomes that tests program in advance: a provider answer Apple could give
 * (410 Unregistered, 429 TooManyRequests, 5xx with Retry-After…), or a transport fault.
 */
import { HeraldError } from '../../core/errors.js';
import { programBaseProblems, TokenPrograms, type ProgramBase } from '../shared/token-programs.js';
import { TRANSPORT_FAULTS, type TransportFault } from '../shared/transport-faults.js';

export type { TransportFault } from '../shared/transport-faults.js';

export interface TokenBehaviour extends ProgramBase {
  /** Answer this HTTP status instead of the normal outcome (needs `reason`). */
  status?: number;
  /** The `reason` of the JSON body, e.g. 'Unregistered'. */
  reason?: string;
  /** With status 410: the body's `timestamp`, when the token stopped being valid (ms since the epoch); default the request's time. */
  timestamp?: number;
  /** Break the transport instead of answering. Exclusive with `status`. */
  fault?: TransportFault;
  /** Reason in the GOAWAY debug data for `fault: 'goaway'`; default 'Shutdown'. */
  goawayReason?: string;
}

/** Device tokens are hex: programs match whatever the case of their digits. */
export function apnsPrograms(): TokenPrograms<TokenBehaviour> {
  return new TokenPrograms<TokenBehaviour>((token) => token.toLowerCase());
}

/** The behaviour, checked: a fault name stands for `{ fault }`. */
export function toBehaviour(behaviour: TokenBehaviour | TransportFault): TokenBehaviour {
  const b = typeof behaviour === 'string' ? { fault: behaviour } : { ...behaviour };
  const problems = programBaseProblems(b);
  if (b.fault !== undefined && !TRANSPORT_FAULTS.has(b.fault)) problems.push(`unknown fault ${String(b.fault)}`);
  if (b.fault !== undefined && b.status !== undefined) problems.push('give either status or fault, not both');
  if (b.status !== undefined && (!Number.isInteger(b.status) || b.status < 200 || b.status > 599)) {
    problems.push(`status must be an HTTP status code, got ${b.status}`);
  }
  if ((b.status === undefined) !== (b.reason === undefined)) problems.push('status and reason go together');
  if (b.timestamp !== undefined && (b.status !== 410 || !Number.isInteger(b.timestamp) || b.timestamp < 0)) {
    problems.push('timestamp goes with status 410, ms since the epoch');
  }
  if (problems.length > 0) throw new HeraldError('HERALD_CONFIG_INVALID', `APNS simulator program: ${problems.join('; ')}`);
  return b;
}
