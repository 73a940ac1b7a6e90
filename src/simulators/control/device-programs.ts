/**
 * The control API's device programs (`PUT /devices/{service}/{token}`), in words the simulators
 * share, mapped onto each simulator's own program (../apns/programs.ts, ../fcm/programs.ts,
 * ../webpush/programs.ts).
 * Checked here field by field so a bad one gets a 422 naming it; the simulators check again.
 */
import type { TokenBehaviour as ApnsBehaviour } from '../apns/programs.js';
import { FCM_ERROR_STATUS, isFcmErrorCode } from '../fcm/fcm-errors.js';
import type { TokenBehaviour as FcmBehaviour } from '../fcm/programs.js';
import { TRANSPORT_FAULTS, type TransportFault } from '../shared/transport-faults.js';
import type { SubscriptionBehaviour as WebPushBehaviour } from '../webpush/programs.js';
import type { ProgrammableRefusal } from '../webpush/refusals.js';
import type { Service } from './deliveries.js';

export const DEVICE_ANSWERS = ['unregistered', 'bad_device_token', 'too_many_requests', 'server_error'] as const;
export type DeviceAnswer = (typeof DEVICE_ANSWERS)[number];

export interface DeviceProgram {
  /** The answer instead of 200. */
  answer?: DeviceAnswer;
  /** server_error: 500 or 503 (default). */
  status?: number;
  /** APNS unregistered: the 410 body's `timestamp`, ms since the epoch (Apple's unit); default the request's time. */
  unregisteredAt?: number;
  /** FCM: any FcmError code (the answer's status is FCM's for it), instead of `answer`. */
  fcmError?: string;
  /** Retry-After, whole seconds, with the answer. */
  retryAfterS?: number;
  /** Extra delay before the programmed answer or fault, ms. */
  latencyMs?: number;
  /** Drop the connection instead of answering (the same as `fault: "drop-connection"`). */
  drop?: boolean;
  /** Break the transport instead of answering. */
  fault?: TransportFault;
  /** With fault goaway: the reason in the GOAWAY's debug data (APNS `{"reason": …}`, FCM the text). */
  goawayReason?: string;
  /** Apply to the next `times` requests only. */
  times?: number;
}

export const DEVICE_PROGRAM_KEYS = [
  'answer',
  'status',
  'unregisteredAt',
  'fcmError',
  'retryAfterS',
  'latencyMs',
  'drop',
  'fault',
  'goawayReason',
  'times',
] as const satisfies ReadonlyArray<keyof DeviceProgram>;

/** APNS reason and FCM error code for each answer (reference: apns-fcm.md). */
const APNS_ANSWERS = {
  unregistered: { status: 410, reason: 'Unregistered' },
  bad_device_token: { status: 400, reason: 'BadDeviceToken' },
  too_many_requests: { status: 429, reason: 'TooManyRequests' },
} as const;
const FCM_ANSWERS = { unregistered: 'UNREGISTERED', bad_device_token: 'INVALID_ARGUMENT', too_many_requests: 'QUOTA_EXCEEDED' } as const;
/** Web Push refusal (../webpush/refusals.ts): 410 for an ended subscription (RFC 8030 §7.3), 404 unknown, 429 (§8.4). */
const WEBPUSH_ANSWERS = { unregistered: 'gone', bad_device_token: 'not-found', too_many_requests: 'too-many-requests' } as const satisfies Record<string, ProgrammableRefusal>;

export class ProgramError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** The simulator's behaviour for `body`; throws ProgramError naming the bad field. */
export function behaviourFor(service: Service, body: unknown): ApnsBehaviour | FcmBehaviour | WebPushBehaviour {
  const program = checkedProgram(service, body);
  const base = {
    ...(program.latencyMs !== undefined ? { delayMs: program.latencyMs } : {}),
    ...(program.times !== undefined ? { times: program.times } : {}),
  };
  const fault = program.drop === true ? 'drop-connection' : program.fault;
  if (fault !== undefined) return { ...base, fault, ...(program.goawayReason !== undefined ? { goawayReason: program.goawayReason } : {}) };
  if (program.answer === undefined && program.fcmError === undefined) return base; // a slow device: the usual answer, delayed
  const withRetry = { ...base, ...(program.retryAfterS !== undefined ? { retryAfterSeconds: program.retryAfterS } : {}) };
  if (service === 'webpush') {
    const answer = program.answer!;
    return { ...withRetry, refusal: answer === 'server_error' ? (program.status === 500 ? 'server-error' : 'unavailable') : WEBPUSH_ANSWERS[answer] };
  }
  if (service === 'apns') {
    const answer = program.answer!;
    const given =
      answer === 'server_error'
        ? program.status === 500
          ? { status: 500, reason: 'InternalServerError' }
          : { status: 503, reason: 'ServiceUnavailable' }
        : APNS_ANSWERS[answer];
    return { ...withRetry, ...given, ...(program.unregisteredAt !== undefined ? { timestamp: program.unregisteredAt } : {}) };
  }
  if (program.fcmError !== undefined) return { ...withRetry, errorCode: program.fcmError as keyof typeof FCM_ERROR_STATUS };
  const answer = program.answer!;
  const errorCode = answer === 'server_error' ? (program.status === 500 ? 'INTERNAL' : 'UNAVAILABLE') : FCM_ANSWERS[answer];
  return { ...withRetry, errorCode };
}

/** `body` as a DeviceProgram, every field checked; the first problem found is thrown. */
function checkedProgram(service: Service, body: unknown): DeviceProgram {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProgramError('(body)', 'must be a JSON object');
  const p = body as Record<string, unknown>;
  const fail = (field: string, detail: string): never => {
    throw new ProgramError(field, detail);
  };
  for (const key of Object.keys(p)) if (!(DEVICE_PROGRAM_KEYS as readonly string[]).includes(key)) fail(key, 'unknown field');
  if (p.answer !== undefined && !(DEVICE_ANSWERS as readonly unknown[]).includes(p.answer)) fail('answer', `must be one of ${DEVICE_ANSWERS.join(', ')}`);
  if (p.fcmError !== undefined) {
    if (service !== 'fcm') fail('fcmError', 'FCM only (APNS, Web Push: answer)');
    if (!isFcmErrorCode(p.fcmError)) fail('fcmError', `must be one of ${Object.keys(FCM_ERROR_STATUS).join(', ')}`);
  }
  if (p.fault !== undefined && !(typeof p.fault === 'string' && TRANSPORT_FAULTS.has(p.fault))) fail('fault', `must be one of ${[...TRANSPORT_FAULTS].join(', ')}`);
  if (p.drop !== undefined && typeof p.drop !== 'boolean') fail('drop', 'must be true or false');
  const outcomes = ['answer', 'fcmError', 'fault', 'drop'].filter((k) => (k === 'drop' ? p.drop === true : p[k] !== undefined));
  // latencyMs alone: a slow device, answered as usual after it (latency for all: PUT /faults).
  if (outcomes.length === 0 && p.latencyMs === undefined) fail('answer', 'give answer, fcmError, fault, drop, or latencyMs alone for a slow device');
  if (outcomes.length > 1) fail(outcomes[1]!, `give one of answer, fcmError, fault, drop, not ${outcomes.join(' and ')}`);
  if (p.status !== undefined && !(p.answer === 'server_error' && (p.status === 500 || p.status === 503))) {
    fail('status', 'only with answer server_error, 500 or 503');
  }
  if (p.unregisteredAt !== undefined) {
    if (service !== 'apns') fail('unregisteredAt', 'APNS only: FCM answers UNREGISTERED, Web Push 410 Gone, without a timestamp');
    if (p.answer !== 'unregistered') fail('unregisteredAt', 'only with answer unregistered');
    if (!(Number.isInteger(p.unregisteredAt) && (p.unregisteredAt as number) >= 0)) fail('unregisteredAt', 'must be ms since the epoch, a whole number >= 0');
  }
  if (p.goawayReason !== undefined && !(p.fault === 'goaway' && typeof p.goawayReason === 'string')) fail('goawayReason', 'a string, only with fault goaway');
  if (p.goawayReason !== undefined && service === 'webpush') fail('goawayReason', 'APNS and FCM only: the Web Push simulator sends no GOAWAY reason for a programmed fault');
  if (p.retryAfterS !== undefined && (p.fault !== undefined || p.drop === true)) fail('retryAfterS', 'only with an answer (a fault gives none)');
  for (const key of ['retryAfterS', 'latencyMs', 'times']) {
    const min = key === 'times' ? 1 : 0;
    const v = p[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min)) fail(key, `must be a whole number >= ${min}`);
  }
  return p as DeviceProgram;
}
