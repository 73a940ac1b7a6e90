/**
 * MongoosePush's 422 body: OpenApiSpex's JSON:API-style cast errors, one entry per problem.
 *
 *   {"errors":[{"title":"Invalid value","source":{"pointer":"/service"},"message":"Missing field: service"}]}
 *
 * Messages use OpenApiSpex's wording (Cast.Error.message/1) so logs read the same as upstream's.
 * Pointers are RFC 6901 JSON pointers; "" is the whole body.
 */
export interface InvalidValue {
  title: 'Invalid value';
  source: { pointer: string };
  message: string;
}

export interface UnprocessableBody {
  errors: InvalidValue[];
}

export function invalidValue(pointer: string, message: string): InvalidValue {
  return { title: 'Invalid value', source: { pointer }, message };
}

/** RFC 6901 §3: `~` is written `~0` and `/` is written `~1` inside a reference token. */
export function pointerToken(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** OpenApiSpex.TermType: the JSON type named in "Invalid X. Got: Y". */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** OpenApiSpex truncates echoed field names to 40 characters (Cast.Error safe_string). */
const MAX_ECHOED_NAME_CHARS = 40;

export const messages = {
  missingField: (name: string) => `Missing field: ${name}`,
  unexpectedField: (name: string) => `Unexpected field: ${name.slice(0, MAX_ECHOED_NAME_CHARS)}`,
  invalidEnum: () => 'Invalid value for enum',
  invalidFormat: (format: string) => `Invalid format. Expected ${format}`,
  invalidType: (type: string, value: unknown) =>
    value === null ? `null value where ${type} expected` : `Invalid ${type}. Got: ${jsonTypeOf(value)}`,
  aboveMaximum: (value: number, max: number) => `${value} is larger than inclusive maximum ${max}`,
  belowMinimum: (value: number, min: number) => `${value} is smaller than inclusive minimum ${min}`,
  notJson: () => 'Invalid JSON: the request body is not a JSON document',
} as const;

/** The 422 answer for a body that is not JSON at all (pointer "" = the whole document). */
export const NOT_JSON_BODY: UnprocessableBody = { errors: [invalidValue('', messages.notJson())] };
