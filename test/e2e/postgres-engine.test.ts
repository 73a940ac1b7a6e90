/**
 * The whole engine on the PostgreSQL store (`store.backend = "postgres"`): the push path from an
 * `<enable/>` to an APNS request, what survives a restart, two engines ("instances") sharing one
 * database, a sharded engine, and a database that cannot be reached.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { HeraldError } from '../../src/core/errors.js';
import { Herald } from '../../src/embed/engine.js';
import { startEngine, type PushEngine } from '../../src/shards/start-engine.js';
import { onSimulators, type OnSimulators } from '../support/on-simulators.js';
import { freePorts } from '../support/loopback.js';
import { postgresDatabase, type PostgresDatabase } from '../support/postgres-server.js';
import { RoutedReplies } from '../support/routed-replies.js';
import { TOKEN, chat, cleanup, configIn, createNodeIq, enableIq, tempDir } from './harness.js';

const BOB = 'bob@localhost/laptop';

let db: PostgresDatabase;
let dir: string;

interface Instance extends OnSimulators<PushEngine> {
  iq(stanza: Element): Promise<Element>;
}

/** One engine on the shared database (its own simulators); `shards` 0 = Herald on this thread. */
async function instance(shards = 0): Promise<Instance> {
  const config = configIn(dir, { store: { backend: 'postgres', postgres: { url: db.url } }, shards: { count: shards } });
  const replies = new RoutedReplies(() => {});
  const running = await onSimulators(config, (c) => (shards === 0 ? Herald.start({ config: c, host: { route: replies.route } }) : startEngine({ config: c, host: { route: replies.route } })));
  return { ...running, iq: (stanza) => replies.ask(running.herald, stanza) };
}

/** `user`'s phone (`user@localhost/phone`) gets a node of its own and enables push on it, then goes offline. */
async function register(running: Instance, user: string, node: string): Promise<void> {
  const phone = `${user}@localhost/phone`;
  assert.equal((await running.iq(createNodeIq(phone, node))).attrs.type, 'result');
  assert.equal((await running.iq(enableIq(phone, node, { service: 'apns', device_id: TOKEN, topic: 'com.example.chat' }))).attrs.type, 'result');
  running.herald.sessionAvailable(phone);
  running.herald.sessionUnavailable(phone);
}

function badgeOf(push: { payload: unknown } | undefined): number | undefined {
  return (push?.payload as { aps?: { badge?: number } } | undefined)?.aps?.badge;
}

// In a suite: its `after` runs before the PostgreSQL cluster's own (support/postgres-server.ts).
describe('an engine on PostgreSQL', () => {
  before(async () => {
    db = await postgresDatabase();
    dir = tempDir();
  });
  after(async () => {
    await db.close();
    cleanup(dir);
  });

  test('on PostgreSQL a message to an offline user ends as one APNS request, and after a restart the registration, the node and the badge are still there', async () => {
    const first = await instance();
    try {
      await register(first, 'restarted', 'restart-node');
      await first.herald.handleStanza(chat(BOB, 'restarted@localhost', 'one'));
      const [push] = await first.apns!.waitForReceived(1, 5_000);
      assert.equal(push?.token, TOKEN);
      assert.equal(badgeOf(push), 1);
    } finally {
      await first.close();
    }
    const second = await instance();
    try {
      await second.herald.handleStanza(chat(BOB, 'restarted@localhost', 'two'));
      const [push] = await second.apns!.waitForReceived(1, 5_000);
      assert.equal(push?.token, TOKEN, 'the registration and its node survived the restart');
      assert.equal(badgeOf(push), 2, 'the badge counts on from the first run');
    } finally {
      await second.close();
    }
  });

  test('two engines on one PostgreSQL and one APNS: registered through one, pushed through the other, the badge counted across both, one provider token signed', async () => {
    const a = await instance();
    // b pushes to a's simulators with the same signing key, as two instances push to Apple.
    const b = await Herald.start({ config: a.config });
    try {
      await register(a, 'shared', 'shared-node');
      await b.handleStanza(chat(BOB, 'shared@localhost', 'through b'));
      const [viaB] = await a.apns!.waitForReceived(1, 5_000);
      assert.equal(viaB?.token, TOKEN, 'b pushes for a registration made through a');
      await a.herald.handleStanza(chat(BOB, 'shared@localhost', 'through a'));
      const [, viaA] = await a.apns!.waitForReceived(2, 5_000);
      assert.deepEqual([badgeOf(viaB), badgeOf(viaA)], [1, 2]);
      assert.equal(a.apns!.stats.jwtsSeen, 1, 'both engines sent the token shared through PostgreSQL');
      assert.deepEqual(a.apns!.stats.rejectedByReason, {}, 'no TooManyProviderTokenUpdates');
    } finally {
      await b.close();
      await a.close();
    }
  });

  test('a sharded engine on PostgreSQL serves the whole path', async () => {
    const sharded = await instance(2);
    try {
      await register(sharded, 'sharded', 'sharded-node');
      await sharded.herald.handleStanza(chat(BOB, 'sharded@localhost', 'hi'));
      const [push] = await sharded.apns!.waitForReceived(1, 5_000);
      assert.equal(push?.token, TOKEN);
    } finally {
      await sharded.close();
    }
  });

  test('a PostgreSQL that cannot be reached fails the start with HERALD_STORE', async () => {
    const [closedPort] = await freePorts(1);
    const config = configIn(dir, { store: { backend: 'postgres', postgres: { url: `postgres://herald@127.0.0.1:${closedPort}/herald`, connect_timeout_ms: 2_000 } } });
    await assert.rejects(Herald.start({ config }), (e: unknown) => e instanceof HeraldError && e.code === 'HERALD_STORE' && /PostgreSQL/.test(e.message));
  });
});
