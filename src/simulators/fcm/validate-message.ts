/**
 * Checks of a `messages:send` body, in the order a sender's mistakes are most useful to hear
 * (reference: apns-fcm.md, "FCM HTTP v1" message). Pure: body in, message or rejection out.
 */
import { fcmRejection, type FcmRejection } from './fcm-errors.js';

/** FCM's payload limit: a message over 4096 bytes is INVALID_ARGUMENT. */
const MAX_MESSAGE_BYTES = 4_096;
/** Largest request body parsed; beyond it the message cannot fit, only the size matters. */
export const BODY_BUFFER_LIMIT = 64 * 1_024;
/** android.ttl range: 0 to 28 days (2 419 200 s). */
const MAX_TTL_SECONDS = 2_419_200;
/** google.protobuf.Duration in JSON: seconds with up to 9 fractional digits and an `s`. */
const DURATION = /^\d+(\.\d{1,9})?s$/;
const PRIORITIES: ReadonlySet<unknown> = new Set(['normal', 'high', 'NORMAL', 'HIGH']);
const TARGETS = ['token', 'topic', 'condition'] as const;

export type FcmMessage = Record<string, unknown>;

export interface SendRequest {
  message: FcmMessage;
  validateOnly: boolean;
  /** `message.token`, '' when the target is a topic or condition. */
  token: string;
}

export type ParsedSend = { ok: true; request: SendRequest } | { ok: false; rejection: FcmRejection };

const invalid = (why: string): { ok: false; rejection: FcmRejection } => ({
  ok: false,
  rejection: fcmRejection('INVALID_ARGUMENT', `Request contains an invalid argument: ${why}`),
});

/** Parses the JSON envelope `{"message": {...}, "validate_only"?: bool}`; `size` is the full body length. */
export function parseSendBody(body: Buffer, size: number): ParsedSend {
  if (size > BODY_BUFFER_LIMIT) return invalid(`Message is too big (${size} bytes)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return invalid('the body is not JSON');
  }
  if (!isObject(parsed) || !isObject(parsed.message)) return invalid('message is required');
  const validateOnly = parsed.validate_only ?? false;
  if (typeof validateOnly !== 'boolean') return invalid('validate_only must be a boolean');
  const token = typeof parsed.message.token === 'string' ? parsed.message.token : '';
  return { ok: true, request: { message: parsed.message, validateOnly, token } };
}

/** The rejection for an invalid message, undefined when it is valid. */
export function validateMessage(message: FcmMessage): FcmRejection | undefined {
  const targets = TARGETS.filter((t) => message[t] !== undefined);
  if (targets.length !== 1) return invalid('exactly one of token, topic or condition is required').rejection;
  const target = message[targets[0]!];
  if (typeof target !== 'string' || target === '') return invalid(`${targets[0]} must be a non-empty string`).rejection;
  const data = message.data;
  if (data !== undefined) {
    if (!isObject(data)) return invalid('data must be a map').rejection;
    // data is map<string, string>: a number or boolean value is a 400.
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') return invalid(`data.${key} must be a string`).rejection;
    }
  }
  const android = message.android;
  if (android !== undefined) {
    if (!isObject(android)) return invalid('android must be an object').rejection;
    if (android.ttl !== undefined && !validTtl(android.ttl)) {
      return invalid(`android.ttl must be a duration like "3.5s" within 0..${MAX_TTL_SECONDS}s`).rejection;
    }
    if (android.priority !== undefined && !PRIORITIES.has(android.priority)) {
      return invalid('android.priority must be "normal" or "high"').rejection;
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(message));
  if (bytes > MAX_MESSAGE_BYTES) return invalid(`Message is too big (${bytes} > ${MAX_MESSAGE_BYTES} bytes)`).rejection;
  return undefined;
}

function validTtl(ttl: unknown): boolean {
  return typeof ttl === 'string' && DURATION.test(ttl) && Number.parseFloat(ttl) <= MAX_TTL_SECONDS;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
