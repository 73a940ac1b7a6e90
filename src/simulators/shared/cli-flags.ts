/** Flag values of the stand-alone servers' command lines (simulators, benchmark server). */
import { HeraldError } from '../../core/errors.js';

/** A non-negative integer flag (ports, ms, stream counts); undefined when absent. */
export function integerFlag(flag: string, value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new HeraldError('HERALD_CONFIG_INVALID', `${flag} needs a non-negative integer, got ${value}\n${usage}`);
  return Number(value);
}
