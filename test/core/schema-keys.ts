/**
 * Every key of the config schema, as the checks of config/default.toml need them: its dotted
 * path, its default (when it has one) and what kind of key it is. Walks zod 4's schema
 * definitions (`_zod.def`), so a key added to the schema is seen without being listed here.
 */
import type { z } from 'zod';

export type SchemaKey =
  /** A scalar or list of scalars: default.toml sets it to `value`. */
  | { path: string; kind: 'value'; value: unknown }
  /** No default (e.g. a certificate file): default.toml shows it commented out. */
  | { path: string; kind: 'unset' }
  /** Refused with what to do instead (renamed, removed): default.toml must not show it. */
  | { path: string; kind: 'removed' }
  /** A list of tables (`[[apns.pools]]`): default.toml shows one, commented out, with every key of `element`. */
  | { path: string; kind: 'tables'; element: SchemaKey[] };

type Def = { type: string; innerType?: z.ZodType; defaultValue?: unknown; shape?: Record<string, z.ZodType>; element?: z.ZodType };

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The keys below `schema`, an object (possibly wrapped in a default); nested objects are walked into. */
export function schemaKeys(schema: z.ZodType, prefix = ''): SchemaKey[] {
  const shape = unwrapped(schema).def.shape ?? {};
  return Object.entries(shape).flatMap(([name, field]): SchemaKey[] => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const { def, hasDefault, value } = unwrapped(field);
    if (def.type === 'never') return [{ path, kind: 'removed' }];
    if (def.type === 'object') return schemaKeys(field, path);
    if (def.type === 'array' && defOf(def.element!).type === 'object') {
      return [{ path, kind: 'tables', element: schemaKeys(def.element!) }];
    }
    return [hasDefault ? { path, kind: 'value', value } : { path, kind: 'unset' }];
  });
}

/** Through `.default()` and `.optional()` to the type itself, keeping the default seen on the way. */
function unwrapped(schema: z.ZodType): { def: Def; hasDefault: boolean; value: unknown } {
  let def = defOf(schema);
  let hasDefault = false;
  let value: unknown;
  while (def.type === 'default' || def.type === 'optional') {
    if (def.type === 'default' && !hasDefault) {
      hasDefault = true;
      value = def.defaultValue;
    }
    def = defOf(def.innerType!);
  }
  return { def, hasDefault, value };
}
