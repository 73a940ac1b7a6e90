/**
 * What the App Server does with another instance's changes (store/change-feed.ts), on LMDB with
 * a feed the test drives: the node is changed behind the role's back, as another instance
 * sharing the store would, then the notice arrives.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PushNodeStore } from '../../src/app-server/node-store.js';
import type { CachedTable, ChangeFeed, ChangeListener } from '../../src/store/change-feed.js';
import { forSuite } from '../support/for-suite.js';
import { answerOf, ask, createIq, OWNER, publishIq, startHarness } from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };

/** A change feed whose notices the test sends. */
class DrivenFeed implements ChangeFeed {
  readonly listeners = new Set<ChangeListener>();
  subscribe(table: CachedTable, listener: ChangeListener): () => void {
    assert.equal(table, 'app_server_nodes');
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  notify(key: string | undefined): void {
    for (const listener of this.listeners) listener(key);
  }
}

describe("another instance's changes to push nodes", () => {
  const feed = new DrivenFeed();
  const h = forSuite(() => startHarness({}, () => ({ changes: feed })));
  /** Removes `node` from the store as another instance would: the role is not asked. */
  const removeElsewhere = (node: string) => new PushNodeStore(h.store).remove(node, OWNER);
  const publish = async (node: string) => answerOf(await ask(h.role, publishIq(node, OPTIONS)));

  it("a live node actor answers from memory until the node's notice, then from the store", async () => {
    await ask(h.role, createIq('watched'));
    await removeElsewhere('watched');
    assert.equal(await publish('watched'), 'result', 'no store read on the publish path');
    feed.notify('watched');
    assert.equal(await publish('watched'), 'cancel/item-not-found');
  });

  it('a notice for a node without a live actor spawns none', async () => {
    const live = h.role.liveNodeActors;
    feed.notify('not-live-here');
    assert.equal(h.role.liveNodeActors, live);
  });

  it('a notice that changes may have been missed makes every live node actor read its node again', async () => {
    for (const node of ['first', 'second']) {
      await ask(h.role, createIq(node));
      await removeElsewhere(node);
    }
    feed.notify(undefined);
    assert.deepEqual([await publish('first'), await publish('second')], ['cancel/item-not-found', 'cancel/item-not-found']);
  });

  it('a closed role listens no more', async () => {
    const own = new DrivenFeed();
    const closing = await startHarness({}, () => ({ changes: own }));
    assert.equal(own.listeners.size, 1);
    await closing.close();
    assert.equal(own.listeners.size, 0);
  });
});
