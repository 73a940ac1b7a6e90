/**
 * Names of configured pools: the configured `name`, else `<service>-<mode>` (APNS) or `fcm`,
 * numbered from the second pool that would get the same default (`apns-prod-2`). Shared by the
 * schema (duplicate names are a config error) and by the pools built from it.
 */
export function poolNames(pools: ReadonlyArray<{ name?: string | undefined }>, defaultName: (index: number) => string): string[] {
  const seen = new Map<string, number>();
  return pools.map((pool, i) => {
    if (pool.name !== undefined) return pool.name;
    const base = defaultName(i);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/** Indexes of pools whose name an earlier pool already has. */
export function duplicateNameIndexes(names: readonly string[]): number[] {
  const seen = new Set<string>();
  const dupes: number[] = [];
  names.forEach((name, i) => {
    if (seen.has(name)) dupes.push(i);
    seen.add(name);
  });
  return dupes;
}
