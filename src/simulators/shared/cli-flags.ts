/** Flags of the stand-alone servers' command lines (simulators, benchmark server). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HeraldError } from '../../core/errors.js';

type FlagTable = NonNullable<ParseArgsConfig['options']>;
/** The values parseArgs reads for `Flags` (a string or boolean each, undefined when absent). */
type FlagValues<Flags extends FlagTable> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; options: Flags }>>['values'];

/** The flags every stand-alone server takes. */
export const SERVER_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'max-streams': { type: 'string' },
  'latency-ms': { type: 'string' },
  // Stop when stdin ends: a parent that dies (even by SIGKILL) takes the server with it.
  'stop-on-stdin-end': { type: 'boolean' },
} as const satisfies FlagTable;

/** `args` read strictly as `flags`; an unknown or malformed flag is HERALD_CONFIG_INVALID, with the usage. */
export function parseFlags<Flags extends FlagTable>(args: readonly string[], flags: Flags, usage: string): FlagValues<Flags> {
  try {
    return parseArgs({ args: [...args], strict: true, options: flags }).values;
  } catch (cause) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `${(cause as Error).message}\n${usage}`, { cause });
  }
}

/** A non-negative integer flag (ports, ms, stream counts); undefined when absent. */
export function integerFlag(flag: string, value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new HeraldError('HERALD_CONFIG_INVALID', `${flag} needs a non-negative integer, got ${value}\n${usage}`);
  return Number(value);
}
