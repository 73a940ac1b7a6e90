/**
 * `store.max_size_mib` is a real bound: a store filled through enables refuses further new
 * entries with wait/resource-constraint and says so (log, health, metrics), keeps answering
 * disables and node deletions, stays near its bound on disk, and recovers when data is removed
 * or when the bound is raised and Herald restarted.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Element } from '@xmpp/xml';
import { openRestSession, sampleValue } from '../../e2e/rest-session.js';
import { eventually } from '../../support/eventually.js';
import {
  bigEnable,
  createNodeIq,
  deleteNodeIq,
  disableAll,
  errorOf,
  FILL_BATCH,
  fillUntilRefused,
  startStoreHerald,
  userOf,
  type StoreHerald,
} from './store-harness.js';

/** Bytes in a MiB (store.max_size_mib's unit). */
const MIB = 1_048_576;
/** The file may pass the bound by the writes of the commit in flight (FILL_BATCH enables of ~1 KiB here). */
const OVERSHOOT_ALLOWED = 0.25;
/** ms for the APNS simulator connection to come up on a loaded machine. */
const HEALTH_DEADLINE_MS = 10_000;

let running: StoreHerald | undefined;
const dirs: string[] = [];
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-store-bound-'));
  dirs.push(dir);
  return dir;
};

afterEach(async () => {
  await running?.close();
  running = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('enables beyond store.max_size_mib are answered wait/resource-constraint, and the log says store.full once per interval', async () => {
  const dir = newDir();
  running = await startStoreHerald(dir, { maxSizeMib: 1 });
  const filled = await fillUntilRefused(running);
  assert.equal(errorOf(filled.refusal), 'wait/resource-constraint', filled.refusal.toString());
  assert.match(filled.refusal.toString(), /store is full/);
  assert.ok(filled.accepted > 100, `${filled.accepted} enables fit in 1 MiB`);

  // More refusals: still one line in this interval, no actor crash lines, no line per IQ.
  const again = await Promise.all(Array.from({ length: 100 }, (_, i) => running!.iq(bigEnable(filled.next + i))));
  assert.ok(again.every((r) => errorOf(r) === 'wait/resource-constraint'));
  const full = running.lines.filter((l) => l.event === 'store.full');
  assert.equal(full.length, 1, JSON.stringify(running.lines));
  assert.equal(full[0]!.level, 'error');
  assert.equal(full[0]!.fields.max_bytes, MIB);
  assert.ok((full[0]!.fields.used_bytes as number) >= MIB);
  // Besides the provider connections' own lines (apns.connection.connected, …) and the start's
  // (which VAPID key signs), only these.
  const events = running.lines.map((l) => l.event).filter((event) => !/^(apns|fcm)\.connection\./.test(event) && event !== 'webpush.vapid_key');
  assert.deepEqual([...new Set(events)].sort(), ['push.pools_started', 'store.full']);

  const usage = running.herald.storeUsage()!;
  assert.equal(usage.full, true);
  assert.ok(usage.refusedWrites >= 101, `${usage.refusedWrites} refused`);
  // Refused enables stored nothing.
  assert.equal((await running.herald.xmppServer.registrations(userOf(filled.next + 99))).length, 0);

  const size = statSync(join(dir, 'lmdb', 'data.mdb')).size;
  assert.ok(size <= MIB * (1 + OVERSHOOT_ALLOWED), `data.mdb is ${size} bytes for a 1 MiB bound`);

  // At close the folded refusals are written as one line with their count.
  await running.close();
  const folded = running.lines.filter((l) => l.event === 'store.full');
  assert.equal(folded.length, 2);
  assert.equal(folded[1]!.fields.count, usage.refusedWrites - 1);
  running = undefined;
});

test('a full store still answers disables, and removing registrations makes room for new ones', async () => {
  running = await startStoreHerald(newDir(), { maxSizeMib: 1 });
  const filled = await fillUntilRefused(running);
  const users = Math.ceil(filled.next / 32);
  let next = filled.next;
  let admitted = false;
  // Disable users one by one (bounded by the users there are) until an enable fits again.
  for (let u = 0; u < users && !admitted; u++) {
    const user = `user${u}@localhost`;
    const reply: Element = await running.iq(disableAll(user));
    assert.equal(reply.attrs.type, 'result', reply.toString());
    assert.deepEqual(await running.herald.xmppServer.registrations(user), []);
    admitted = (await running.iq(bigEnable(next++))).attrs.type === 'result';
  }
  assert.ok(admitted, 'an enable fits once registrations were removed');
  assert.ok(running.lines.some((l) => l.event === 'store.space_available'), 'the log says the store has room again');
});

test('creating a push node on a full store is refused wait/resource-constraint, and deleting one still works', async () => {
  running = await startStoreHerald(newDir(), { maxSizeMib: 1 });
  const owner = 'owner@localhost';
  assert.equal((await running.iq(createNodeIq(owner, 'kept-node'))).attrs.type, 'result');
  await fillUntilRefused(running);
  const refused = await running.iq(createNodeIq(owner, 'new-node'));
  assert.equal(errorOf(refused), 'wait/resource-constraint', refused.toString());
  assert.equal(await running.herald.appServer.node('new-node'), undefined);
  assert.ok(!running.lines.some((l) => l.event === 'app_server.node_crashed'), 'a refusal is not a crash');
  const deleted = await running.iq(deleteNodeIq(owner, 'kept-node'));
  assert.equal(deleted.attrs.type, 'result', deleted.toString());
  assert.equal(await running.herald.appServer.node('kept-node'), undefined);
});

test('raising store.max_size_mib and restarting recovers, keeping every accepted registration', async () => {
  const dir = newDir();
  running = await startStoreHerald(dir, { maxSizeMib: 1 });
  const filled = await fillUntilRefused(running);
  const lastAccepted = filled.next - FILL_BATCH - 1; // the batch before the refusal was all accepted
  await running.close();
  running = await startStoreHerald(dir, { maxSizeMib: 2 });
  assert.equal(running.herald.storeUsage()!.full, false);
  assert.ok((await running.herald.xmppServer.registrations(userOf(0))).length > 0);
  assert.ok((await running.herald.xmppServer.registrations(userOf(lastAccepted))).length > 0);
  const retried = await running.iq(bigEnable(filled.next));
  assert.equal(retried.attrs.type, 'result', retried.toString());
});

test('/healthcheck and /metrics say the store is full', async () => {
  const dir = newDir();
  running = await startStoreHerald(dir, {
    maxSizeMib: 1,
    extra: {
      apns: { enabled: true, key_file: join(dir, 'apns.p8'), sender_threads: 0, connections: 1 },
      rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
    },
  });
  await fillUntilRefused(running);
  const session = openRestSession(running.herald.rest!.url, readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));
  try {
    // The APNS connections open in the background: health is 200 once one is up.
    let health = await session.request('GET', '/healthcheck');
    await eventually(async () => (health = await session.request('GET', '/healthcheck')).status === 200, 'health 200 once APNS is connected', HEALTH_DEADLINE_MS, 50);
    const report = JSON.parse(health.body) as { status: string; details: Record<string, Array<{ status: string; output: Record<string, number> }>> };
    assert.equal(report.details.store![0]!.status, 'fail', health.body);
    assert.equal(report.details.store![0]!.output.max_bytes, MIB);
    // Pushes still flow: a full store is a warning, not a 503 that would take Herald out of rotation.
    assert.equal(health.status, 200, health.body);
    assert.equal(report.status, 'warn', health.body);
    const metrics = (await session.request('GET', '/metrics')).body;
    assert.equal(sampleValue(metrics, 'herald_store_full'), 1);
    assert.equal(sampleValue(metrics, 'herald_store_max_bytes'), MIB);
    assert.ok(sampleValue(metrics, 'herald_store_used_bytes')! >= MIB);
    assert.ok(sampleValue(metrics, 'herald_store_writes_refused_total')! >= 1);
  } finally {
    session.close();
  }
});
