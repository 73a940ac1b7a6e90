/**
 * A JSON object cast field by field (an OpenAPI object with `additionalProperties: false`): the
 * one loop behind the flat schema, the deep schema and the deep schema's `alert`. Pure: no I/O,
 * no exceptions.
 */
import { isObject, type Cast, type Problems } from './cast.js';
import { messages, pointerToken } from './invalid-value.js';

/** Each field's cast, by JSON name; a key not in the table is unexpected. */
export type FieldCasts = Readonly<Record<string, Cast<unknown>>>;

type CastTo<C> = C extends Cast<infer T> ? T : never;

/** The fields present, each cast; the required ones surely there. */
export type CastFields<C extends FieldCasts, Required extends keyof C> = {
  -readonly [K in Required]: CastTo<C[K]>;
} & {
  -readonly [K in Exclude<keyof C, Required>]?: CastTo<C[K]>;
};

/**
 * Casts each key of `value` with its entry in `casts` (pointers below `at`), in the body's order,
 * then reports the `required` fields missing, in the order given. Every problem is recorded;
 * undefined when there was any in this object.
 */
export function castObject<C extends FieldCasts, Required extends keyof C & string>(
  value: unknown,
  at: string,
  casts: C,
  required: readonly Required[],
  problems: Problems,
): CastFields<C, Required> | undefined {
  if (!isObject(value)) {
    problems.add(at, messages.invalidType('object', value));
    return undefined;
  }
  const before = problems.count;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const pointer = `${at}/${pointerToken(key)}`;
    // Own keys only: `constructor` or `toString` in a body are unexpected fields, not casts.
    const cast = Object.hasOwn(casts, key) ? casts[key] : undefined;
    if (cast === undefined) {
      problems.add(pointer, messages.unexpectedField(key));
      continue;
    }
    const field = cast(value[key], pointer, problems);
    if (field !== undefined) fields[key] = field;
  }
  for (const name of required) {
    if (!Object.hasOwn(value, name)) problems.add(`${at}/${name}`, messages.missingField(name));
  }
  return problems.count === before ? (fields as CastFields<C, Required>) : undefined;
}
