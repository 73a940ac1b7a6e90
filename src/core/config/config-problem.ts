/**
 * What loading a config reports: a problem with one key, and where each key set from the
 * environment came from. Its own file so that the loader and the two environment readers
 * (env-overrides.ts, mongoosepush-env.ts) share them without importing each other.
 */
export interface ConfigProblem {
  /** Dotted config key (`rest.port`), or the variable's name when no key could be read from it. */
  key: string;
  problem: string;
  /** The environment variable whose value is at fault, when one set the key. */
  env?: string;
  /** Its text, when showing it gives nothing away (not a password, token or secret). */
  envValue?: string;
}

/** Dotted config key → the environment variable that set it (and the text it had). */
export type EnvOrigins = Map<string, { name: string; value: string }>;
