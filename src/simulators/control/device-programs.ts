/**
 * The control API's device programs (`PUT /devices/{service}/{token}`), in words both simulators
 * share, mapped onto each simulator's own program (../apns/programs.ts, ../fcm/programs.ts).
 */
import type { TokenBehaviour as ApnsBehaviour } from '../apns/programs.js';
import type { TokenBehaviour as FcmBehaviour } from '../fcm/programs.js';
import type { Service } from './deliveries.js';

export interface DeviceProgram {
  /** The answer instead of 200. */
  answer?: 'unregistered' | 'bad_device_token' | 'too_many_requests' | 'server_error';
  /** server_error: 500 or 503 (default). */
  status?: number;
  /** Retry-After, whole seconds, with the answer. */
  retryAfterS?: number;
  /** Extra delay before the programmed answer or drop, ms. */
  latencyMs?: number;
  /** Drop the connection instead of answering. */
  drop?: boolean;
  /** Apply to the next `times` requests only. */
  times?: number;
}

const KEYS = ['answer', 'status', 'retryAfterS', 'latencyMs', 'drop', 'times'];
const ANSWERS = ['unregistered', 'bad_device_token', 'too_many_requests', 'server_error'];

/** APNS reason and FCM error code for each answer (reference: apns-fcm.md). */
const APNS_ANSWERS = {
  unregistered: { status: 410, reason: 'Unregistered' },
  bad_device_token: { status: 400, reason: 'BadDeviceToken' },
  too_many_requests: { status: 429, reason: 'TooManyRequests' },
} as const;
const FCM_ANSWERS = { unregistered: 'UNREGISTERED', bad_device_token: 'INVALID_ARGUMENT', too_many_requests: 'QUOTA_EXCEEDED' } as const;

export class ProgramError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`${field}: ${detail}`);
  }
}

/** The simulator's behaviour for `body`; throws ProgramError naming the bad field. */
export function behaviourFor(service: Service, body: unknown): ApnsBehaviour | FcmBehaviour {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProgramError('(body)', 'must be a JSON object');
  const p = body as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!KEYS.includes(key)) throw new ProgramError(key, 'unknown field');
  if (p.answer !== undefined && !ANSWERS.includes(p.answer as string)) throw new ProgramError('answer', `must be one of ${ANSWERS.join(', ')}`);
  if (p.status !== undefined && !(p.answer === 'server_error' && (p.status === 500 || p.status === 503))) {
    throw new ProgramError('status', 'only with answer server_error, 500 or 503');
  }
  for (const key of ['retryAfterS', 'latencyMs', 'times']) {
    const v = p[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= (key === 'times' ? 1 : 0))) throw new ProgramError(key, 'must be a whole number >= ' + (key === 'times' ? 1 : 0));
  }
  if (p.drop !== undefined && typeof p.drop !== 'boolean') throw new ProgramError('drop', 'must be true or false');
  if (p.drop === true && p.answer !== undefined) throw new ProgramError('drop', 'give either drop or answer, not both');
  // The simulators' programs delay a programmed outcome, not a normal 200 (latency for all: PUT /faults).
  if (p.answer === undefined && p.drop !== true) throw new ProgramError('answer', 'give answer or drop (latencyMs delays one of them)');
  const program = p as DeviceProgram;
  const base = {
    ...(program.latencyMs !== undefined ? { delayMs: program.latencyMs } : {}),
    ...(program.times !== undefined ? { times: program.times } : {}),
    ...(program.retryAfterS !== undefined ? { retryAfterSeconds: program.retryAfterS } : {}),
  };
  if (program.drop === true || program.answer === undefined) return { ...base, fault: 'drop-connection' };
  if (service === 'apns') {
    const answer =
      program.answer === 'server_error'
        ? program.status === 500
          ? { status: 500, reason: 'InternalServerError' }
          : { status: 503, reason: 'ServiceUnavailable' }
        : APNS_ANSWERS[program.answer];
    return { ...base, ...answer };
  }
  const errorCode = program.answer === 'server_error' ? (program.status === 500 ? 'INTERNAL' : 'UNAVAILABLE') : FCM_ANSWERS[program.answer];
  return { ...base, errorCode };
}
