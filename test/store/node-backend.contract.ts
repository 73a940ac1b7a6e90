/**
 * The behaviour every NodeBackend owes the App Server role, as one suite that each backend's test
 * file runs on its own store (as registration-backend.contract.ts does for the XMPP Server):
 * records come back whole, each owner's index follows creates, replacements and removals, the
 * cap holds, a conditional replace writes only over the record it expects, and everything is
 * there after a reopen.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeBackend } from '../../src/app-server/node-backend.js';
import type { PushNodeRecord } from '../../src/app-server/node-store.js';
import { forSuite } from '../support/for-suite.js';
import type { BackendFixture } from './backend-fixture.js';

/** A node record of `owner` with every field set, told apart by `createdAt`. */
export function nodeRecord(owner: string, createdAt = 1_700_000_000_000): PushNodeRecord {
  return {
    owner,
    type: 'push',
    createdAt,
    affiliations: { [owner]: 'owner', 'app@push.example.com': 'publish-only' },
    publishModel: 'open',
    secret: `secret-${createdAt}`,
    device: { service: 'apns', token: `token-${createdAt}`, mode: 'prod', topic: 'com.example.app' },
  };
}

/** Creates of `count` nodes of `owner` (named `<prefix>-<i>`) issued all at once, spread over `backends`; how many were created. */
export async function createsAtOnce(backends: NodeBackend[], owner: string, prefix: string, count: number, maxPerOwner: number): Promise<number> {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) => backends[i % backends.length]!.createCapped(`${prefix}-${i}`, nodeRecord(owner, i), maxPerOwner)),
  );
  return created.filter(Boolean).length;
}

/** The same suite on `start`'s backend, named "`name` node backend". */
export function nodeBackendContract(name: string, start: () => Promise<BackendFixture<NodeBackend>>): void {
  describe(`${name} node backend`, () => {
    const t = forSuite(start);

    test('the registration key is 32 random bytes, the same on every call and after a reopen', async () => {
      const key = await t.backend.registrationKey();
      assert.equal(key.length, 32);
      assert.notDeepEqual(key, Buffer.alloc(32));
      assert.deepEqual(await t.backend.registrationKey(), key);
      await t.reopen();
      assert.deepEqual(await t.backend.registrationKey(), key);
    });

    test('a node created under the cap is read back whole, listed and counted for its owner', async () => {
      const owner = 'created@example.com';
      assert.equal(await t.backend.createCapped('created-1', nodeRecord(owner, 1), 3), true);
      assert.deepEqual(await t.backend.get('created-1'), nodeRecord(owner, 1));
      assert.deepEqual(await t.backend.nodesOf(owner), ['created-1']);
      assert.equal(await t.backend.countOf(owner, 3), 1);
    });

    test('a create at the cap is refused and writes nothing', async () => {
      const owner = 'capped@example.com';
      for (const node of ['capped-1', 'capped-2']) assert.equal(await t.backend.createCapped(node, nodeRecord(owner), 2), true);
      assert.equal(await t.backend.createCapped('capped-3', nodeRecord(owner), 2), false);
      assert.equal(await t.backend.get('capped-3'), undefined);
      assert.deepEqual(await t.backend.nodesOf(owner), ['capped-1', 'capped-2']);
      // Another owner's cap is its own.
      assert.equal(await t.backend.createCapped('capped-other', nodeRecord('other-capped@example.com'), 2), true);
    });

    test('a create of a node that exists answers false and writes nothing, whoever creates it', async () => {
      const owner = 'first@example.com';
      assert.equal(await t.backend.createCapped('taken', nodeRecord(owner, 1), 3), true);
      assert.equal(await t.backend.createCapped('taken', nodeRecord(owner, 2), 3), false);
      assert.equal(await t.backend.createCapped('taken', nodeRecord('second@example.com', 3), 3), false);
      assert.deepEqual(await t.backend.get('taken'), nodeRecord(owner, 1));
      assert.deepEqual(await t.backend.nodesOf('second@example.com'), []);
    });

    test('creates of one owner issued at once stop exactly at the cap', async () => {
      const owner = 'rushed@example.com';
      assert.equal(await createsAtOnce([t.backend], owner, 'rushed', 20, 5), 5);
      assert.equal(await t.backend.countOf(owner, 100), 5);
      assert.equal((await t.backend.nodesOf(owner)).length, 5);
    });

    test('put stores or replaces a record and indexes the node under its owner', async () => {
      const owner = 'put@example.com';
      await t.backend.put('put-1', nodeRecord(owner, 1));
      await t.backend.put('put-1', nodeRecord(owner, 2));
      assert.deepEqual(await t.backend.get('put-1'), nodeRecord(owner, 2));
      assert.deepEqual(await t.backend.nodesOf(owner), ['put-1']);
    });

    test('replace writes over the record it expects, and a stale expected record writes nothing', async () => {
      const owner = 'replaced@example.com';
      await t.backend.createCapped('replaced', nodeRecord(owner, 1), 3);
      assert.equal(await t.backend.replace('replaced', nodeRecord(owner, 1), nodeRecord(owner, 2)), true);
      assert.deepEqual(await t.backend.get('replaced'), nodeRecord(owner, 2));
      assert.equal(await t.backend.replace('replaced', nodeRecord(owner, 1), nodeRecord(owner, 3)), false);
      assert.deepEqual(await t.backend.get('replaced'), nodeRecord(owner, 2));
      assert.deepEqual(await t.backend.nodesOf(owner), ['replaced']);
    });

    test('replace compares records by value: key order and undefined fields do not tell equal records apart', async () => {
      const owner = 'reordered@example.com';
      const { secret: _secret, ...stored } = nodeRecord(owner, 1);
      await t.backend.createCapped('reordered', stored, 3);
      const reordered = Object.fromEntries(Object.entries({ ...stored, secret: undefined }).reverse()) as unknown as PushNodeRecord;
      assert.equal(await t.backend.replace('reordered', reordered, nodeRecord(owner, 2)), true);
      assert.deepEqual(await t.backend.get('reordered'), nodeRecord(owner, 2));
    });

    test('replace never brings back a removed node', async () => {
      const owner = 'removed-then-replaced@example.com';
      await t.backend.createCapped('removed-then-replaced', nodeRecord(owner, 1), 3);
      await t.backend.remove('removed-then-replaced', owner);
      assert.equal(await t.backend.replace('removed-then-replaced', nodeRecord(owner, 1), nodeRecord(owner, 2)), false);
      assert.equal(await t.backend.get('removed-then-replaced'), undefined);
      assert.deepEqual(await t.backend.nodesOf(owner), []);
    });

    test("removeIf removes only the record it expects, with its owner's index entry", async () => {
      const owner = 'removed-if@example.com';
      await t.backend.createCapped('removed-if', nodeRecord(owner, 1), 3);
      assert.equal(await t.backend.removeIf('removed-if', nodeRecord(owner, 2)), false);
      assert.deepEqual(await t.backend.get('removed-if'), nodeRecord(owner, 1));
      assert.equal(await t.backend.removeIf('removed-if', nodeRecord(owner, 1)), true);
      assert.equal(await t.backend.get('removed-if'), undefined);
      assert.deepEqual(await t.backend.nodesOf(owner), []);
      assert.equal(await t.backend.removeIf('removed-if', nodeRecord(owner, 1)), false);
    });

    test("nodesOf lists only that owner's nodes, in code point order", async () => {
      const owner = 'ordered@example.com';
      for (const node of ['node9', 'Node', 'node10', 'é']) await t.backend.put(node, nodeRecord(owner));
      // Owners whose JIDs start like this one's must not leak into its list.
      await t.backend.put('evil-node', nodeRecord('ordered@example.com.evil'));
      await t.backend.put('short-node', nodeRecord('ordered@example.co'));
      assert.deepEqual(await t.backend.nodesOf(owner), ['Node', 'node10', 'node9', 'é']);
    });

    test('countOf counts up to its limit', async () => {
      const owner = 'counted@example.com';
      for (const node of ['counted-1', 'counted-2', 'counted-3']) await t.backend.put(node, nodeRecord(owner));
      assert.equal(await t.backend.countOf(owner, 10), 3);
      assert.equal(await t.backend.countOf(owner, 2), 2);
    });

    test('an unknown node reads as undefined, and an owner without nodes lists none and counts 0', async () => {
      assert.equal(await t.backend.get('no-such-node'), undefined);
      assert.deepEqual(await t.backend.nodesOf('nobody@example.com'), []);
      assert.equal(await t.backend.countOf('nobody@example.com', 5), 0);
    });

    test("remove deletes the record and its entry in the owner's index, freeing a place under the cap; removing it again succeeds", async () => {
      const owner = 'removed@example.com';
      for (const node of ['gone', 'kept']) await t.backend.createCapped(node, nodeRecord(owner), 2);
      await t.backend.remove('gone', owner);
      await t.backend.remove('gone', owner);
      assert.equal(await t.backend.get('gone'), undefined);
      assert.deepEqual(await t.backend.nodesOf(owner), ['kept']);
      assert.equal(await t.backend.createCapped('again', nodeRecord(owner), 2), true);
    });

    test('nodes and their owner index written before a reopen are there after it', async () => {
      const owner = 'restarted@example.com';
      await t.backend.createCapped('restarted-1', nodeRecord(owner, 7), 5);
      await t.backend.put('restarted-2', nodeRecord(owner, 8));
      await t.reopen();
      assert.deepEqual(await t.backend.get('restarted-1'), nodeRecord(owner, 7));
      assert.deepEqual(await t.backend.get('restarted-2'), nodeRecord(owner, 8));
      assert.deepEqual(await t.backend.nodesOf(owner), ['restarted-1', 'restarted-2']);
      assert.equal(await t.backend.countOf(owner, 5), 2);
    });
  });
}
