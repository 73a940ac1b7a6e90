import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PushNodeStore, type PushNodeRecord } from '../../../src/app-server/node-store.js';
import { openStore, type HeraldStore } from '../../../src/store/lmdb-store.js';
import { RegistrationStore, REGISTRATIONS_DB } from '../../../src/xmpp-server/registration-store.js';
import type { Registration } from '../../../src/xmpp-server/registration.js';

// ordered-binary writes U+0000–U+0004 escaped in strings under 64 UTF-16 units and raw in longer
// ones: these lengths put keys on both sides of that line.
const NODE_LENGTHS = [1, 20, 40, 45, 60, 64, 100, 500];

function withStore(run: (open: () => HeraldStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-long-keys-'));
  const open = (): HeraldStore => openStore({ path: join(dir, 'lmdb'), max_size_mib: 64 });
  return run(open).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const registration = (node: string): Registration => ({ pubsubJid: 'push.example.net', node, publishOptions: {}, createdAt: 1 });
const nodeRecord = (owner: string): PushNodeRecord => ({ owner, type: 'push', createdAt: 1, affiliations: { [owner]: 'owner' } });

test('registrations with long keys are listed, counted and removed like short ones, also after a restart', () =>
  withStore(async (open) => {
    let store = open();
    const user = 'juliet@capulet.example';
    let registrations = new RegistrationStore(store);
    for (const length of NODE_LENGTHS) await registrations.put(user, registration('n'.repeat(length)));
    assert.deepEqual(registrations.listFor(user).map((r) => r.node.length).sort((a, b) => a - b), NODE_LENGTHS);

    await store.close();
    store = open();
    registrations = new RegistrationStore(store);
    assert.equal(registrations.listFor(user).length, NODE_LENGTHS.length, 'every registration read back after a restart');
    // XEP-0357 §6 disable without a node removes every registration on that service.
    assert.equal(await registrations.removeAllOn(user, 'push.example.net'), NODE_LENGTHS.length);
    assert.equal(registrations.hasAny(user), false);
    await store.close();
  }));

test('an owner cannot pass max_nodes_per_owner with long node names', () =>
  withStore(async (open) => {
    const store = open();
    const nodes = new PushNodeStore(store);
    const owner = 'mallory@evil.example';
    const created = [];
    for (let i = 0; i < 10; i++) created.push(await nodes.createCapped(`${'x'.repeat(80)}-${i}`, nodeRecord(owner), 4));
    assert.deepEqual(created, [true, true, true, true, false, false, false, false, false, false]);
    assert.equal(nodes.countOf(owner, 100), 4);
    assert.equal(nodes.nodesOf(owner).length, 4);
    await store.close();
  }));

test('a store written with NUL-separated keys is migrated once at open and then read in full', () =>
  withStore(async (open) => {
    let store = open();
    const user = 'romeo@montague.example';
    const legacy = store.database<Registration>(REGISTRATIONS_DB);
    for (const length of NODE_LENGTHS) {
      const node = 'm'.repeat(length);
      await legacy.put(`${user}\u0000push.example.net\u0000${node}`, registration(node));
    }
    await store.close();

    store = open();
    const registrations = new RegistrationStore(store);
    assert.deepEqual(registrations.listFor(user).map((r) => r.node.length).sort((a, b) => a - b), NODE_LENGTHS);
    await registrations.remove(user, 'push.example.net', 'm'.repeat(500));
    assert.equal(registrations.has(user, 'push.example.net', 'm'.repeat(500)), false);
    await store.close();
  }));
