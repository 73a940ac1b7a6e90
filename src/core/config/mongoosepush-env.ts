/**
 * MongoosePush's environment variables, honoured where they map, so an operator can swap
 * MongoosePush for Herald without rewriting its deployment (README: "Migrating from
 * MongoosePush"). Applied to the raw config before `HERALD__…` overrides, which win.
 *
 * `PUSH_APNS_{PROD,DEV}_*` set keys of the first APNS pool of that mode; when the file names no
 * pools, the default prod and dev pools are written out first so the other one is kept.
 */
import type { ConfigProblem, EnvOrigins } from './config-problem.js';

type Raw = Record<string, unknown>;
/** Sets its key from the variable's text; returns the dotted key it set. */
type Setter = (raw: Raw, value: string) => string;

/** Apple's hosts for MongoosePush's `_ENDPOINT`-less defaults (HTTP/2 on 443, or 2197 with `_USE_2197`). */
const APPLE_HOST = { prod: 'api.push.apple.com', dev: 'api.sandbox.push.apple.com' } as const;
/** Apple's alternative port for networks that block 443 outbound. */
const APPLE_ALT_PORT = 2197;

const set =
  (path: string, cast: (v: string) => unknown = (v) => v): Setter =>
  (raw, value) => {
    setPath(raw, path.split('.'), cast(value));
    return path;
  };

const TOP_LEVEL: Readonly<Record<string, Setter>> = {
  PUSH_HTTPS_BIND_ADDR: set('rest.bind'),
  PUSH_HTTPS_PORT: set('rest.port', toNumber),
  PUSH_HTTPS_KEYFILE: set('rest.key_file'),
  PUSH_HTTPS_CERTFILE: set('rest.cert_file'),
  PUSH_APNS_ENABLED: set('apns.enabled', toBoolean),
  PUSH_FCM_ENABLED: set('fcm.enabled', toBoolean),
  PUSH_FCM_APP_FILE: set('fcm.service_account_file'),
  PUSH_FCM_POOL_SIZE: set('fcm.connections', toNumber),
};

/** `PUSH_APNS_<MODE>_<SUFFIX>` → key of that mode's pool. */
const POOL_KEYS: Readonly<Record<string, string>> = {
  CERT: 'cert_file',
  KEY: 'cert_key_file',
  KEY_ID: 'key_id',
  TEAM_ID: 'team_id',
  P8_TOKEN: 'key_file',
  POOL_SIZE: 'connections',
  DEFAULT_TOPIC: 'default_topic',
};


/**
 * Applies the PUSH_* variables present in `env` to `raw`, noting in `origins` which key each set;
 * returns what could not be applied (an empty variable, certificate and token auth at once).
 */
export function applyMongoosePushEnv(raw: Raw, env: NodeJS.ProcessEnv, origins: EnvOrigins = new Map()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const present = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    if (value.trim() === '') {
      problems.push({ key: name, env: name, problem: 'is set but empty; give it a value, or unset it to keep the file\'s value' });
      return undefined;
    }
    return value;
  };
  for (const [name, setter] of Object.entries(TOP_LEVEL)) {
    const value = present(name);
    if (value !== undefined) origins.set(setter(raw, value), { name, value });
  }
  for (const mode of ['prod', 'dev'] as const) {
    const prefix = `PUSH_APNS_${mode.toUpperCase()}_`;
    const named = Object.keys(env).filter((n) => n.startsWith(prefix) && env[n] !== undefined);
    if (named.length === 0) continue;
    const pool = poolOfMode(raw, mode);
    const at = `apns.pools.${(((raw.apns as Raw).pools as Raw[]).indexOf(pool))}`;
    for (const [suffix, key] of Object.entries(POOL_KEYS)) {
      const value = present(prefix + suffix);
      if (value === undefined) continue;
      pool[key] = key === 'connections' ? toNumber(value) : value;
      origins.set(`${at}.${key}`, { name: prefix + suffix, value });
    }
    const cert = env[`${prefix}CERT`] !== undefined;
    const token = env[`${prefix}P8_TOKEN`] !== undefined;
    if (cert && token) {
      problems.push({ key: `${prefix}CERT / ${prefix}P8_TOKEN`, env: `${prefix}CERT`, problem: 'set one: certificate or token auth' });
    } else if (cert || token) {
      pool.auth = cert ? 'certificate' : 'token';
      origins.set(`${at}.auth`, { name: cert ? `${prefix}CERT` : `${prefix}P8_TOKEN`, value: String(env[cert ? `${prefix}CERT` : `${prefix}P8_TOKEN`]) });
    }
    const endpoint = present(`${prefix}ENDPOINT`);
    const use2197 = present(`${prefix}USE_2197`);
    if (endpoint !== undefined || use2197 !== undefined) {
      const host = endpoint ?? APPLE_HOST[mode];
      const port = toBoolean(use2197 ?? 'false') === true ? `:${APPLE_ALT_PORT}` : '';
      pool.endpoint = /^https?:\/\//.test(host) ? host : `https://${host}${port}`;
      const name = endpoint !== undefined ? `${prefix}ENDPOINT` : `${prefix}USE_2197`;
      origins.set(`${at}.endpoint`, { name, value: String(env[name]) });
    }
  }
  return problems;
}

/** The first APNS pool of `mode` in `raw`, created (after the default pools) when absent. */
function poolOfMode(raw: Raw, mode: 'prod' | 'dev'): Raw {
  const apns = (raw.apns ??= {}) as Raw;
  if (!Array.isArray(apns.pools)) {
    // The defaults of pool-specs.ts, written out: naming one mode must not drop the other.
    apns.pools = [{ mode: 'prod' }, { mode: 'dev', connections: 1, sender_threads: 0 }];
  }
  const pools = apns.pools as Raw[];
  let pool = pools.find((p) => (p.mode ?? 'prod') === mode);
  if (pool === undefined) {
    pool = { mode };
    pools.push(pool);
  }
  return pool;
}

/** Numbers as numbers; anything else is left as the string, for the schema to name the key. */
function toNumber(value: string): unknown {
  return /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

/** MongoosePush reads "true"/"false"; anything else is left for the schema to refuse. */
function toBoolean(value: string): unknown {
  const v = value.trim().toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : value;
}

export function setPath(target: Raw, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Raw;
  }
  node[path[path.length - 1]!] = value;
}
