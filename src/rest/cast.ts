/**
 * Casting helpers shared by the v1 flat and v2/v3 deep schemas: each validates one JSON value,
 * casts MongooseIM's string-typed values the way OpenApiSpex does, and records any problem
 * instead of throwing. Pure: no I/O, no exceptions.
 */
import type { PushMode, PushNotification, PushServiceName } from '../push-service/notification.js';
import { invalidValue, messages, type InvalidValue } from './invalid-value.js';

/** What every schema's `parse` returns: the notification, or every problem found. */
export type NotificationParseResult =
  | { ok: true; notification: PushNotification }
  | { ok: false; errors: InvalidValue[] };

/** OpenAPI `format: int32` upper bound. */
export const INT32_MAX = 2_147_483_647;
/**
 * The schemas have at most ten fields; a body with more problems than this is garbage, and its
 * 422 must not grow with the garbage (each entry echoes a key).
 */
export const MAX_REPORTED_ERRORS = 32;

/** v1 (flat): the services MongoosePush had. */
export const SERVICES: readonly PushServiceName[] = ['apns', 'fcm'];
/** v2/v3 (deep): and Web Push. */
export const DEEP_SERVICES: readonly PushServiceName[] = [...SERVICES, 'webpush'];
export const MODES: readonly PushMode[] = ['prod', 'dev'];

/** Validates and casts one JSON value found at `pointer`; undefined when it is wrong (recorded). */
export type Cast<T> = (value: unknown, pointer: string, problems: Problems) => T | undefined;
/** Decimal integer text as MongooseIM writes it ("3600"); no exponents, no fractions. */
const INTEGER_TEXT = /^[+-]?\d+$/;

/** Collects problems; `count` keeps counting past the reporting cap so failure is never missed. */
export class Problems {
  readonly list: InvalidValue[] = [];
  count = 0;
  add(pointer: string, message: string): void {
    this.count++;
    if (this.list.length < MAX_REPORTED_ERRORS) this.list.push(invalidValue(pointer, message));
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function castString(value: unknown, pointer: string, problems: Problems): string | undefined {
  if (typeof value === 'string') return value;
  problems.add(pointer, messages.invalidType('string', value));
  return undefined;
}

/** The cast of an OpenAPI string enum: `allowed` names every value. */
export function castEnum<T extends string>(allowed: readonly T[]): Cast<T> {
  return (value, pointer, problems) => {
    const text = castString(value, pointer, problems);
    if (text === undefined) return undefined;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    problems.add(pointer, messages.invalidEnum());
    return undefined;
  };
}

/** A string matching `pattern`, described as `format` in the problem. */
export function castPattern(pattern: RegExp, format: string): Cast<string> {
  return (value, pointer, problems) => {
    const text = castString(value, pointer, problems);
    if (text === undefined) return undefined;
    if (pattern.test(text)) return text;
    problems.add(pointer, messages.invalidFormat(format));
    return undefined;
  };
}

/** A non-negative int32, from a JSON number or its decimal text. */
export function castCount(value: unknown, pointer: string, problems: Problems): number | undefined {
  let n: number;
  if (typeof value === 'number' && Number.isInteger(value)) n = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value)) n = Number(value);
  else {
    problems.add(pointer, messages.invalidType('integer', value));
    return undefined;
  }
  if (n > INT32_MAX) problems.add(pointer, messages.aboveMaximum(n, INT32_MAX));
  else if (n < 0) problems.add(pointer, messages.belowMinimum(n, 0));
  else return n;
  return undefined;
}

export function castBoolean(value: unknown, pointer: string, problems: Problems): boolean | undefined {
  if (typeof value === 'boolean') return value;
  // OpenApiSpex.Cast.Primitive: exactly "true" / "false".
  if (value === 'true') return true;
  if (value === 'false') return false;
  problems.add(pointer, messages.invalidType('boolean', value));
  return undefined;
}

/** `data` is free JSON, but must be an object. */
export function castData(value: unknown, pointer: string, problems: Problems): Record<string, unknown> | undefined {
  if (isObject(value)) return value;
  problems.add(pointer, messages.invalidType('object', value));
  return undefined;
}
