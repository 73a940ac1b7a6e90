/**
 * Loads a TOML config file, applies environment overrides, validates once against the schema
 * and returns a deeply frozen object. Every problem is reported at once, each naming its key.
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { HeraldError } from '../errors.js';
import { applyMongoosePushEnv, setPath } from './mongoosepush-env.js';
import { configSchema, type HeraldConfig } from './schema.js';

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

export interface ConfigProblem {
  key: string;
  problem: string;
}

export class ConfigError extends HeraldError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      'HERALD_CONFIG_INVALID',
      `${file}:\n` + problems.map((p) => `  - ${p.key}: ${p.problem}`).join('\n'),
    );
  }
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new HeraldError('HERALD_CONFIG_UNREADABLE', `${file}: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    throw new ConfigError(file, [{ key: '(file)', problem: `not valid TOML: ${(e as Error).message}` }]);
  }
  return validateConfig(raw, file, env);
}

/** Validates an already-parsed object (used by embedders who build their config in code). */
export function validateConfig(raw: unknown, source = '(inline)', env: NodeJS.ProcessEnv = {}): HeraldConfig {
  const copy = structuredClone(raw ?? {}) as Record<string, unknown>;
  // MongoosePush's PUSH_* first, so Herald's own HERALD__* overrides win over them.
  const envProblems = applyMongoosePushEnv(copy, env);
  const withEnv = applyEnvOverrides(copy, env);
  const result = configSchema.safeParse(withEnv);
  if (envProblems.length > 0 && result.success) throw new ConfigError(source, envProblems);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue): ConfigProblem[] => {
      const at = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => ({ key: at ? `${at}.${k}` : k, problem: 'unknown key' }));
      }
      return [{ key: at || '(root)', problem: issue.message }];
    });
    throw new ConfigError(source, [...envProblems, ...problems]);
  }
  return deepFreeze(result.data);
}

function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    let path: string[] | undefined;
    if (name.startsWith(ENV_PREFIX)) path = name.slice(ENV_PREFIX.length).toLowerCase().split('__');
    else if (ENV_ALIASES[name]) path = ENV_ALIASES[name].split('.');
    if (!path || path.some((p) => p === '')) continue;
    setPath(raw, path, parseEnvValue(value));
  }
  return raw;
}

function parseEnvValue(value: string): unknown {
  try {
    return (parseToml(`v = ${value}`) as { v: unknown }).v;
  } catch {
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
