/** A benchmark's integer flag (`--rounds 4`), checked: a wrong value stops the run naming the flag. */
export function intFlag(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer ≥ ${min}, got ${value}`);
  return n;
}
