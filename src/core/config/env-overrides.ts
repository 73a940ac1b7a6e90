/**
 * Herald's own environment overrides: `HERALD__SECTION__KEY=value` (any key) and a few
 * well-known aliases. Every key an environment variable sets is remembered with the variable's
 * name (`EnvOrigins`), so that a bad value is reported against the variable, not the file.
 */
import { parse as parseToml } from 'smol-toml';
import type { ConfigProblem, EnvOrigins } from './config-problem.js';
import { setPath } from './mongoosepush-env.js';

/** `HERALD__REST__PORT=9443` sets `rest.port`; values are read as TOML values when they parse. */
export const ENV_PREFIX = 'HERALD__';

/** Well-known names for secrets and ports, beside the generic `HERALD__…` form. */
export const ENV_ALIASES: Readonly<Record<string, string>> = {
  HERALD_REST_PORT: 'rest.port',
  HERALD_APNS_KEY_FILE: 'apns.key_file',
  HERALD_APNS_TEAM_ID: 'apns.team_id',
  HERALD_APNS_KEY_ID: 'apns.key_id',
  HERALD_STORE_PATH: 'store.path',
};


/** Applies `HERALD__…` and the aliases to `raw`; a variable that cannot be applied is a problem. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, origins: EnvOrigins): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    let path: string[] | undefined;
    if (name.startsWith(ENV_PREFIX)) path = name.slice(ENV_PREFIX.length).toLowerCase().split('__');
    else if (ENV_ALIASES[name]) path = ENV_ALIASES[name].split('.');
    if (!path) continue;
    const key = path.join('.');
    if (path.some((p) => p === '')) {
      problems.push({ key: name, env: name, problem: 'is not of the form HERALD__SECTION__KEY (sections and key joined by double underscores)' });
      continue;
    }
    if (value.trim() === '') {
      problems.push({ key, env: name, problem: 'is set but empty; give it a value, or unset it to keep the file\'s value' });
      continue;
    }
    setPath(raw, path, parseEnvValue(value));
    origins.set(key, { name, value });
  }
  return problems;
}

/** TOML when it parses (`9443`, `true`, `["a", "b"]`), else the text itself. */
function parseEnvValue(value: string): unknown {
  try {
    return (parseToml(`v = ${value}`) as { v: unknown }).v;
  } catch {
    return value;
  }
}

/**
 * Keys the schema wants as strings but whose variable read as another TOML value
 * (`HERALD__COMPONENT__PASSWORD=123456`, an all-digit team id): set to the variable's text.
 * Returns whether any was changed, so the caller validates once more.
 */
export function keepEnvTextWhereStringsAreExpected(
  raw: Record<string, unknown>,
  stringPaths: ReadonlyArray<ReadonlyArray<PropertyKey>>,
  origins: EnvOrigins,
): boolean {
  let changed = false;
  for (const path of stringPaths) {
    const origin = origins.get(path.join('.'));
    if (!origin || (!origin.name.startsWith(ENV_PREFIX) && !ENV_ALIASES[origin.name])) continue;
    setPath(raw, path.map(String), origin.value);
    changed = true;
  }
  return changed;
}

/**
 * The variable behind a problem at `key`: the one that set the key itself or a table above it,
 * or one that set a key below it (a variable that replaced a table by a scalar).
 */
export function originOf(key: string, origins: EnvOrigins): { name: string; value: string } | undefined {
  let best: { name: string; value: string } | undefined;
  let bestLength = -1;
  for (const [set, origin] of origins) {
    const above = key === set || key.startsWith(`${set}.`);
    const below = set.startsWith(`${key}.`);
    if ((above && set.length > bestLength) || (below && bestLength < 0)) {
      best = origin;
      bestLength = above ? set.length : bestLength;
    }
  }
  return best;
}
