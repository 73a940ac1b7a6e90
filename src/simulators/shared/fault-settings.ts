/**
 * The fault modes both simulators share (reference: apns-fcm.md, "A faithful simulator should":
 * latency and jitter, GOAWAY on demand, 5xx bursts with Retry-After, 429s, a stream limit that
 * drops to 1). Settable at start (simulator options) and at run time (`simulator.faults`).
 * Pure data and its validation.
 */

/** A run of answers other than 200. With neither `count` nor `durationMs` it lasts until cleared. */
export interface ErrorBurst {
  /** Answer the next `count` requests this way, then normally again. */
  count?: number;
  /** Answer every request this way for this long, ms on the simulator clock, from when it is set. */
  durationMs?: number;
  /** Retry-After header, whole seconds (RFC 9110 §10.2.3); no header when unset. */
  retryAfterSeconds?: number;
}

/** 503 (APNS ServiceUnavailable, FCM UNAVAILABLE) or 500 (InternalServerError, INTERNAL). */
export interface ServerErrorBurst extends ErrorBurst {
  /** Default 503. */
  status?: 500 | 503;
}

export interface GoawayFault {
  /**
   * Answer this many more requests first; the next one triggers the GOAWAY (and is refused).
   * 0 or unset: GOAWAY now, on every current session.
   */
  afterRequests?: number;
  /** APNS: `{"reason": …}` in the GOAWAY debug data (default 'Shutdown'); FCM: the text as is. */
  reason?: string;
  /** HTTP/2 error code (RFC 9113 §7); default 0, NO_ERROR (a graceful shutdown). */
  code?: number;
}

export interface DropFault {
  /**
   * Answer this many more requests first; the next one triggers the drop (and is lost).
   * 0 or unset: drop every current connection now.
   */
  afterRequests?: number;
}

export interface FaultSettings {
  /** Delay before each answer, ms. Default 0 (answer as soon as the body has been read). */
  latencyMs?: number;
  /** Uniform random extra delay in [0, jitterMs), ms, on top of `latencyMs`. Default 0. */
  jitterMs?: number;
  /**
   * SETTINGS_MAX_CONCURRENT_STREAMS advertised (APNS: once a session is authenticated); a change
   * at run time is sent as new SETTINGS on every current session and used for future ones.
   */
  maxConcurrentStreams?: number;
  /** After a non-200 answer the session advertises 1 stream until its next 200 (Apple was seen doing so). */
  dropToOneStreamAfterRejection?: boolean;
  /** A 5xx burst. */
  serverErrors?: ServerErrorBurst;
  /** A 429 burst (APNS TooManyRequests, FCM QUOTA_EXCEEDED). */
  tooManyRequests?: ErrorBurst;
  /** The next n streams are reset with REFUSED_STREAM before any processing (RFC 9113 §8.7). */
  refuseStreams?: number;
  /** GOAWAY on every current session, now or after n more requests. One-shot. */
  goaway?: GoawayFault;
  /** Destroy every current connection (no frame at all), now or after n more requests. One-shot. */
  dropConnections?: DropFault;
}

/** RFC 9113 §6.5.2: SETTINGS_MAX_CONCURRENT_STREAMS is a 31-bit value. */
const MAX_STREAMS_SETTING = 2 ** 31 - 1;
/** RFC 9113 §6.8: the GOAWAY error code is a 32-bit field. */
const MAX_ERROR_CODE = 2 ** 32 - 1;

/** Every problem of `s`, named with `prefix` (e.g. 'faults.'); empty when valid. */
export function faultSettingProblems(s: FaultSettings, prefix = ''): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, name: string): void => {
    if (!ok) problems.push(prefix + name);
  };
  const count = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  const ms = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (s.latencyMs !== undefined) check(ms(s.latencyMs), 'latencyMs');
  if (s.jitterMs !== undefined) check(ms(s.jitterMs), 'jitterMs');
  if (s.maxConcurrentStreams !== undefined) {
    const n = s.maxConcurrentStreams;
    check(Number.isInteger(n) && n >= 1 && n <= MAX_STREAMS_SETTING, 'maxConcurrentStreams');
  }
  if (s.dropToOneStreamAfterRejection !== undefined) {
    check(typeof s.dropToOneStreamAfterRejection === 'boolean', 'dropToOneStreamAfterRejection');
  }
  for (const [name, burst] of [['serverErrors', s.serverErrors], ['tooManyRequests', s.tooManyRequests]] as const) {
    if (burst === undefined) continue;
    if (burst.count !== undefined) check(count(burst.count) && burst.count > 0, `${name}.count`);
    if (burst.durationMs !== undefined) check(ms(burst.durationMs) && burst.durationMs > 0, `${name}.durationMs`);
    if (burst.retryAfterSeconds !== undefined) check(count(burst.retryAfterSeconds), `${name}.retryAfterSeconds`);
  }
  const status = s.serverErrors?.status;
  if (status !== undefined) check(status === 500 || status === 503, 'serverErrors.status');
  if (s.refuseStreams !== undefined) check(count(s.refuseStreams), 'refuseStreams');
  if (s.goaway !== undefined) {
    const { afterRequests, reason, code } = s.goaway;
    if (afterRequests !== undefined) check(count(afterRequests), 'goaway.afterRequests');
    if (reason !== undefined) check(typeof reason === 'string', 'goaway.reason');
    if (code !== undefined) check(count(code) && code <= MAX_ERROR_CODE, 'goaway.code');
  }
  const dropAfter = s.dropConnections?.afterRequests;
  if (dropAfter !== undefined) check(count(dropAfter), 'dropConnections.afterRequests');
  return problems;
}

/** Keys of `s` that are no fault setting (a typo in JSON or untyped code would otherwise pass silently). */
export function unknownFaultKeys(s: object, prefix = ''): string[] {
  return Object.keys(s)
    .filter((key) => !(FAULT_KEYS as readonly string[]).includes(key))
    .map((key) => `${prefix}${key} (unknown)`);
}

/** The fault settings among a simulator's options (the options object extends FaultSettings). */
export function pickFaultSettings(o: FaultSettings): FaultSettings {
  const picked: FaultSettings = {};
  for (const key of FAULT_KEYS) if (o[key] !== undefined) (picked as Record<string, unknown>)[key] = o[key];
  return picked;
}

/** Every key of FaultSettings (a test holds the control API's OpenAPI document to it). */
export const FAULT_KEYS = [
  'latencyMs',
  'jitterMs',
  'maxConcurrentStreams',
  'dropToOneStreamAfterRejection',
  'serverErrors',
  'tooManyRequests',
  'refuseStreams',
  'goaway',
  'dropConnections',
] as const satisfies ReadonlyArray<keyof FaultSettings>;
