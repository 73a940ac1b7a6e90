/**
 * The config a test hands to `herald start`: its own LMDB folder in `dir`, REST on port 0, APNS
 * pointed at an APNS server the test runs (its CA and the provider key written beside the config),
 * FCM, Web Push and the bundled simulators off.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEAM_ID, type ProviderKey } from './keyed-apns-simulator.js';

/** Values are TOML text: numbers, quoted strings, inline tables. */
type TomlKeys = Record<string, number | string>;

export interface HeraldTomlOptions {
  /** `[apns]` keys over the defaults below. */
  apns?: TomlKeys;
  /** `[rest]` keys over the defaults. */
  rest?: TomlKeys;
  /** Join this XEP-0114 server (`xmpp://host:port`) as component `push.localhost`. */
  component?: { service: string; password: string };
  /** Other `[component]` keys. */
  componentKeys?: TomlKeys;
  /** `store.backend = "postgres"` on this database URL, instead of an LMDB folder in `dir`. */
  postgres?: string;
  /** `[shards] count`; default: the config's default (one shard per core). */
  shards?: number;
  /** Other `[shards]` keys. */
  shardKeys?: TomlKeys;
}

/** A TOML string value (JSON's escapes are TOML's for the paths and secrets tests use). */
export const tomlString = (text: string): string => JSON.stringify(text);

/** The APNS server the config points at (a simulator, or a benchmark's server). */
export interface ApnsTarget {
  /** https://HOST:PORT */
  url: string;
  /** Its certificate (PEM), written beside the config as `[apns] ca_file`. */
  ca: string;
}

/** Writes herald.toml (and the files it names) into `dir`, signing APNS tokens with `key`; returns its path. */
export function writeHeraldToml(dir: string, apns: ApnsTarget, key: ProviderKey, options: HeraldTomlOptions = {}): string {
  writeFileSync(join(dir, 'apns.p8'), key.privateKeyPem);
  writeFileSync(join(dir, 'apns-ca.pem'), apns.ca);
  const config = join(dir, 'herald.toml');
  const shards = { ...(options.shards === undefined ? {} : { count: options.shards }), ...options.shardKeys };
  writeFileSync(
    config,
    `[store]
${options.postgres === undefined ? `path = ${tomlString(join(dir, 'lmdb'))}` : `backend = "postgres"
[store.postgres]
url = ${tomlString(options.postgres)}`}
[rest]
${keys({ port: 0, generated_cert_dir: tomlString(join(dir, 'tls')), ...options.rest })}
[apns]
${keys({
  endpoint: tomlString(apns.url),
  dev_endpoint: tomlString(apns.url),
  ca_file: tomlString(join(dir, 'apns-ca.pem')),
  team_id: tomlString(TEAM_ID),
  key_id: tomlString(key.keyId),
  key_file: tomlString(join(dir, 'apns.p8')),
  default_topic: tomlString('com.example.app'),
  reconnect: '{ backoff_ms = 50, max_ms = 30000 }',
  ...options.apns,
})}
[shards]
${keys(shards)}
[fcm]
enabled = false
[webpush]
enabled = false
[simulators.apns]
enabled = false
[simulators.fcm]
enabled = false
[simulators.webpush]
enabled = false
${
  options.component === undefined
    ? ''
    : `[component]
enabled = true
service = ${tomlString(options.component.service)}
password = ${tomlString(options.component.password)}
reconnect = { backoff_ms = 100, max_ms = 30000 }
${keys(options.componentKeys ?? {})}
`
}`,
  );
  return config;
}

function keys(values: TomlKeys): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');
}
