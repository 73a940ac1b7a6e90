/**
 * Config files for the operator-mistake cases: a light base config in a test's own folder
 * (store, generated certificate, APNS key and sender threads off the defaults' paths; FCM off),
 * with each case's keys merged over it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'smol-toml';

type Table = Record<string, unknown>;

function merge(base: Table, over: Table): Table {
  const out: Table = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothTables = [current, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    out[key] = bothTables ? merge(current as Table, value as Table) : value;
  }
  return out;
}

/** A fresh folder for one case. */
export function caseDir(): string {
  return mkdtempSync(join(tmpdir(), 'herald-mistake-'));
}

/** Writes `herald.toml` into `dir`: the base config with `over` merged in; returns its path. */
export function writeConfig(dir: string, keyFile: string, over: Table = {}): string {
  const base: Table = {
    store: { path: join(dir, 'lmdb') },
    rest: { port: 0, generated_cert_dir: join(dir, 'tls') },
    apns: { key_file: keyFile, sender_threads: 0, connections: 1 },
    fcm: { enabled: false },
    simulators: { fcm: { enabled: false } },
  };
  const file = join(dir, 'herald.toml');
  writeFileSync(file, stringify(merge(base, over)));
  return file;
}

/** The simulators off: credentials must be real files (nothing is generated for them). */
export const NO_SIMULATORS: Table = { simulators: { apns: { enabled: false }, fcm: { enabled: false } } };

export { merge };
