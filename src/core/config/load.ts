/**
 * Loads a TOML config file, applies environment overrides, validates once against the schema
 * and returns a deeply frozen object. Every problem is reported at once, each naming its key and
 * where its value came from: the file, or the environment variable that set it.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { HeraldError } from '../errors.js';
import { describeErrno } from '../make-directory.js';
import type { ConfigProblem, EnvOrigins } from './config-problem.js';
import { applyEnvOverrides, keepEnvTextWhereStringsAreExpected, originOf } from './env-overrides.js';
import { applyMongoosePushEnv } from './mongoosepush-env.js';
import { configSchema, type HeraldConfig } from './schema.js';

export { ENV_ALIASES, ENV_PREFIX } from './env-overrides.js';
export type { ConfigProblem, EnvOrigins } from './config-problem.js';


/** A config whose values break the schema: every problem, each with its key and source. */
export class ConfigError extends HeraldError {
  constructor(
    /** The config file (or `(inline)` for a config built in code). */
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super('HERALD_CONFIG_INVALID', `${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${formatProblem(p, file)}`).join('\n')}`);
  }
}

/** `rest.port: expected number… (set by environment variable HERALD__REST__PORT="abc")`, or `(in herald.toml)`. */
function formatProblem(p: ConfigProblem, file: string): string {
  if (p.env !== undefined && p.env === p.key) return `environment variable ${p.env} ${p.problem}`;
  const value = p.envValue === undefined ? '' : `=${JSON.stringify(p.envValue)}`;
  return `${p.key}: ${p.problem} (${p.env !== undefined ? `set by environment variable ${p.env}${value}` : `in ${file}`})`;
}

/** A validated config, and which of its keys environment variables set. */
export interface LoadedConfig {
  config: HeraldConfig;
  file: string;
  origins: EnvOrigins;
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): HeraldConfig {
  return loadConfig(file, env).config;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HeraldError('HERALD_CONFIG_UNREADABLE', `${file}: ${describeErrno(code, e as Error)}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (e) {
    throw new ConfigError(file, [{ key: '(file)', problem: `not valid TOML: ${(e as Error).message}` }]);
  }
  return validateWithOrigins(raw, file, env, dirname(resolve(file)));
}

/** Validates an already-parsed object (used by embedders who build their config in code). */
export function validateConfig(raw: unknown, source = '(inline)', env: NodeJS.ProcessEnv = {}): HeraldConfig {
  return validateWithOrigins(raw, source, env, process.cwd()).config;
}

/** `baseDir`: where relative plugin paths start (the config file's folder, or the working directory). */
function validateWithOrigins(raw: unknown, source: string, env: NodeJS.ProcessEnv, baseDir: string): LoadedConfig {
  const copy = structuredClone(raw ?? {}) as Record<string, unknown>;
  const origins: EnvOrigins = new Map();
  // MongoosePush's PUSH_* first, so Herald's own HERALD__* overrides win over them.
  const envProblems = applyMongoosePushEnv(copy, env, origins);
  envProblems.push(...applyEnvOverrides(copy, env, origins));
  let result = configSchema.safeParse(copy);
  if (!result.success) {
    const expectsText = result.error.issues
      .filter((i) => i.code === 'invalid_type' && i.expected === 'string')
      .map((i) => i.path);
    if (keepEnvTextWhereStringsAreExpected(copy, expectsText, origins)) result = configSchema.safeParse(copy);
  }
  const problems = [...envProblems];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const at = issue.path.join('.');
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (at ? `${at}.${k}` : k)) : [at || '(root)'];
      const problem = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
      for (const key of keys) problems.push(withOrigin({ key, problem }, origins));
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  // Absolute once, here: every shard worker imports the same files whatever it resolves against.
  result.data.plugins.modules = result.data.plugins.modules.map((path) => resolve(baseDir, path));
  return { config: deepFreeze(result.data), file: source, origins };
}

/** Names the variable that set the key, with its text unless the key holds a secret. */
function withOrigin(p: ConfigProblem, origins: EnvOrigins): ConfigProblem {
  const origin = originOf(p.key, origins);
  if (!origin) return p;
  if (/password|token|secret/.test(p.key)) return { ...p, env: origin.name };
  return { ...p, env: origin.name, envValue: origin.value.length > 80 ? `${origin.value.slice(0, 80)}…` : origin.value };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
