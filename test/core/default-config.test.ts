/**
 * config/default.toml is the documentation of every key (README: Configuration): these checks
 * walk the schema, so a key added there without its line, its default or its comment fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import { configSchema } from '../../src/core/config/schema.js';
import { schemaKeys, type SchemaKey } from './schema-keys.js';
import { tomlKeyLines, type TomlKeyLine } from './toml-lines.js';

const FILE = 'config/default.toml';
const text = readFileSync(FILE, 'utf8');
const values = parseToml(text) as Record<string, unknown>;
const lines = tomlKeyLines(text);
const keys = schemaKeys(configSchema);

/** The line showing `path` (`apns.reconnect` is shown on its table's `reconnect = {…}` line). */
function lineOf(path: string, table = path.split('.').slice(0, -1).join('.')): TomlKeyLine | undefined {
  const key = path.split('.').at(-1)!;
  return lines.find((l) => l.table === table && l.key === key) ?? (table.includes('.') && !table.endsWith('[]') ? lineOf(table, table.split('.').slice(0, -1).join('.')) : undefined);
}

/** The value default.toml sets at `path`, as plain JSON (smol-toml's inline tables have no prototype). */
function valueAt(path: string): unknown {
  const value = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], values);
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function byKind<K extends SchemaKey['kind']>(kind: K): Array<Extract<SchemaKey, { kind: K }>> {
  return keys.filter((k): k is Extract<SchemaKey, { kind: K }> => k.kind === kind);
}

test('the walk sees the schema: sections, nested reconnect tables, pools and removed keys', () => {
  const paths = keys.map((k) => k.path);
  for (const path of ['xmpp.max_stanza_bytes', 'component.reconnect.max_ms', 'apns.reconnect.backoff_ms', 'fcm.ca_file', 'simulators.fcm.latency_ms']) {
    assert.ok(paths.includes(path), path);
  }
  assert.deepEqual(byKind('tables').map((k) => k.path), ['component.servers', 'apns.pools', 'fcm.pools']);
  assert.deepEqual(byKind('removed').map((k) => k.path).sort(), [
    'apns.reconnect_backoff_ms',
    'apns.sender_thread_restart_base_ms',
    'apns.sender_thread_restart_max_ms',
    'component.domain',
    'component.reconnect_backoff_ms',
    'component.reconnect_max_ms',
    'fcm.reconnect_backoff_ms',
    'shards.restart_base_ms',
    'shards.restart_max_ms',
    'store.map_size_mib',
  ]);
});

/**
 * Keys default.toml (what `npm start` runs on) sets apart from the schema's default, each for its
 * reason; the file's comment on the key says both values.
 */
const SET_APART: Record<string, unknown> = {
  // The push inbox at a known address for `npm start`; the schema's 0 (any free port) suits tests and embedders.
  'simulators.control.port': 8025,
};

test('default.toml sets every key that has a default to that default', () => {
  const wrong = byKind('value')
    .filter((k) => !(k.kind === 'value' && Array.isArray(k.value) && k.value.length === 0 && byKind('tables').some((t) => t.path === k.path)))
    .map((k) => (k.path in SET_APART ? { ...k, value: SET_APART[k.path] } : k))
    .filter((k) => lineOf(k.path)?.commentedOut !== false || !isDeepStrictEqual(valueAt(k.path), k.value))
    .map((k) => `${k.path}: expected ${JSON.stringify(k.value)}, found ${JSON.stringify(valueAt(k.path))}`);
  assert.deepEqual(wrong, []);
});

test('default.toml shows every key without a default commented out, with an example value', () => {
  const missing = byKind('unset')
    .filter((k) => lineOf(k.path)?.commentedOut !== true)
    .map((k) => k.path);
  assert.deepEqual(missing, []);
});

test('default.toml shows one commented-out table of each list of tables, with every key of it', () => {
  const missing = byKind('tables').flatMap((tables) =>
    tables.element.filter((k) => k.kind !== 'removed' && lineOf(`${tables.path}[].${k.path}`, `${tables.path}[]`)?.commentedOut !== true).map((k) => `${tables.path}.${k.path}`),
  );
  assert.deepEqual(missing, []);
});

test('default.toml shows no removed key and no key the schema lacks', () => {
  const paths = keys.flatMap((k) => (k.kind === 'tables' ? [k.path, ...k.element.map((e) => `${k.path}[].${e.path}`)] : [k.path]));
  // A nested table may be shown inline (`reconnect = { … }`): its own path is known too.
  const known = new Set(paths.flatMap((path) => path.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))));
  const shown = lines.map((l) => `${l.table}.${l.key}`);
  assert.deepEqual(shown.filter((path) => !known.has(path)), []);
  assert.deepEqual(byKind('removed').filter((k) => shown.includes(k.path)).map((k) => k.path), []);
});

test('every key in default.toml has a comment: on its line, above its group, or (in an example table) on the key it overrides', () => {
  const documented = (l: TomlKeyLine): boolean =>
    l.documented || (l.table.endsWith('[]') && lines.some((p) => p.table === l.table.slice(0, -2).split('.')[0] && p.key === l.key && p.documented));
  assert.deepEqual(lines.filter((l) => !documented(l)).map((l) => `line ${l.line}: ${l.table}.${l.key}`), []);
});
