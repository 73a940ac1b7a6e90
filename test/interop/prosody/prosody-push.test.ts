/**
 * Herald as the App Server of a real Prosody 0.12 (Debian's package, mod_cloud_notify from
 * prosody-modules), joined as an XEP-0114 component, with real clients on Prosody's c2s port.
 * The tests run in order on one Prosody and one Herald: each starts from what the previous left.
 *
 * What Prosody does, read in /usr/lib/prosody/modules/mod_cloud_notify/mod_cloud_notify.lua, and
 * what the assertions rely on:
 * - it publishes from its domain JID (`localhost`) for a message stored offline
 *   (`message/offline/handle`) and, one second after the first one (`add_timer(1.0)`), for
 *   messages queued in a hibernated XEP-0198 session; the summary is a `type='form'` with
 *   `message-count` 1 and the placeholder body "New Message!" (push_notification_with_body off);
 * - it counts non-`wait` error answers per registration and removes the registration when the
 *   count reaches `push_max_errors` (16 by default; 1 in prosody.cfg.lua), logging "Disabling
 *   push notifications for identifier 'JID<NODE'"; a success resets the count;
 * - while no component is connected it answers publishes itself with wait/remote-server-timeout
 *   (mod_component), which never counts as an error;
 * - registrations are stored on disk, so they survive a restart of Prosody.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@xmpp/client';
import { JoinedHerald } from '../joined-herald.js';
import { createPushNode, discoInfo, enablePush, loseConnection, sendChat } from '../xmpp-clients.js';
import { COMPONENT_DOMAIN, ProsodyServer, USER_DOMAIN } from './prosody-server.js';

const SECRET = 'interop-component-secret';
const ALICE = `alice@${USER_DOMAIN}`;
/** Two devices of Alice's, one per push node. */
const NODE_A = 'alice-phone-a';
const TOKEN_A = 'a1'.repeat(32);
const NODE_B = 'alice-phone-b';
const TOKEN_B = 'b2'.repeat(32);
/** mod_cloud_notify's `push_notification_important_body`: sent instead of the message body. */
const PROSODY_PLACEHOLDER_BODY = 'New Message!';
/** ms for the component to rejoin a restarted Prosody (it reconnects after 100 ms, then at most every second). */
const REJOIN_TIMEOUT_MS = 20_000;

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';

let prosody: ProsodyServer;
let fx: JoinedHerald;

before(async () => {
  prosody = await ProsodyServer.start(SECRET);
  prosody.register('alice', 'alice-pw');
  prosody.register('bob', 'bob-pw');
  fx = await JoinedHerald.start({ name: 'Prosody', c2sService: prosody.c2sService, componentService: prosody.componentService, tail: (n) => prosody.tail(n) }, COMPONENT_DOMAIN, SECRET);
});

after(async () => {
  try {
    await fx?.close();
  } finally {
    await prosody?.dispose();
  }
});

const login = (username: string, resource: string): Promise<Client> => fx.login(USER_DOMAIN, username, resource);

test('Herald answers disco#info through Prosody as a pubsub service of type push', async () => {
  const bob = await login('bob', 'laptop');
  const info = await discoInfo(bob, COMPONENT_DOMAIN);
  const identity = info.getChild('query')?.getChild('identity');
  assert.deepEqual([identity?.attrs.category, identity?.attrs.type], ['pubsub', 'push']);
  await fx.logout(bob);
});

test('a message to an offline user is published by Prosody to Herald and reaches the APNS simulator', async () => {
  const alice = await login('alice', 'phone');
  assert.equal((await createPushNode(alice, COMPONENT_DOMAIN, NODE_A)).attrs.type, 'result');
  assert.equal((await enablePush(alice, COMPONENT_DOMAIN, NODE_A, TOKEN_A)).attrs.type, 'result');
  await fx.logout(alice);

  const bob = await login('bob', 'laptop');
  const before = fx.sim.received.length;
  await sendChat(bob, ALICE, 'Wherefore art thou?');
  const received = await fx.sim.waitForReceived(before + 1, 15_000);
  const push = received.slice(before).find((p) => p.token === TOKEN_A);
  assert.ok(push, 'an APNS request for the device');
  // Prosody's placeholder body makes it a visible alert (XEP-0357 summary with last-message-body).
  assert.equal(push.headers['apns-push-type'], 'alert');
  const publish = await fx.tap.answered(NODE_A, 0);
  assert.equal(publish.from, USER_DOMAIN, 'Prosody publishes from its own domain');
  assert.equal(publish.body, PROSODY_PLACEHOLDER_BODY);
  assert.equal(publish.answer?.attrs.type, 'result');
  await fx.logout(bob);
});

test('once APNS answers Unregistered, Herald answers device-not-registered and Prosody stops pushing to that device', async () => {
  fx.sim.program(TOKEN_A, { status: 410, reason: 'Unregistered' });
  const bob = await login('bob', 'laptop');
  const mark = prosody.mark();
  const index = fx.tap.publishesTo(NODE_A).length;
  await sendChat(bob, ALICE, 'are you there?');

  const { answer } = await fx.tap.answered(NODE_A, index);
  assert.equal(answer?.attrs.type, 'error');
  const error = answer!.getChild('error')!;
  assert.equal(error.attrs.type, 'cancel');
  assert.ok(error.getChild('not-acceptable', NS_STANZAS), answer!.toString());
  assert.ok(error.getChild('device-not-registered', NS_PUBSUB_ERRORS), answer!.toString());
  // push_max_errors = 1: the first non-wait error removes the registration.
  await prosody.waitForLog(new RegExp(`Disabling push notifications for identifier '${COMPONENT_DOMAIN}<${NODE_A}'`), mark);

  // Barriers: an IQ through Prosody to Herald comes after everything Prosody sent Herald before
  // it on the component stream; settled() waits until Herald answered all of it.
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();
  const publishes = fx.tap.publishesTo(NODE_A).length;
  const attempts = fx.sim.attempts(TOKEN_A);
  await sendChat(bob, ALICE, 'hello?');
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();
  assert.equal(fx.tap.publishesTo(NODE_A).length, publishes, 'Prosody published nothing more for the dead device');
  assert.equal(fx.sim.attempts(TOKEN_A), attempts, 'no APNS request for the dead device');
  await fx.logout(bob);
});

test("a message while the user's XEP-0198 session is hibernated is pushed", async () => {
  const alice = await login('alice', 'phone');
  assert.ok(alice.streamManagement.enabled && alice.streamManagement.id !== '', 'stream management enabled with resumption');
  assert.equal((await createPushNode(alice, COMPONENT_DOMAIN, NODE_B)).attrs.type, 'result');
  assert.equal((await enablePush(alice, COMPONENT_DOMAIN, NODE_B, TOKEN_B)).attrs.type, 'result');
  const bob = await login('bob', 'laptop');
  const hibernating = prosody.mark();
  fx.forget(alice);
  loseConnection(alice);
  await prosody.waitForLog(/Session going into hibernation/, hibernating);
  // Prosody pushes the stanzas left unacknowledged when the session went to sleep (presences:
  // "unimportant", no body) at once; the barrier lets those pass before Bob writes.
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();

  const mark = prosody.mark();
  const index = fx.tap.publishesTo(NODE_B).length;
  const before = fx.sim.received.length;
  await sendChat(bob, ALICE, 'still there?');
  const publish = await fx.tap.answered(NODE_B, index);
  assert.equal(publish.answer?.attrs.type, 'result');
  assert.equal(publish.body, PROSODY_PLACEHOLDER_BODY, 'the push for the chat message');
  const received = await fx.sim.waitForReceived(before + 1, 15_000);
  assert.ok(received.slice(before).some((p) => p.token === TOKEN_B));
  // From the hibernated session's queue (mod_smacks → mod_cloud_notify's timer), not as an offline message.
  await prosody.waitForLog(/cloud handle_notify_request\(\) for newly smacks queued stanzas \(now in timer\)/, mark);
  await fx.logout(bob);
});

test('while Herald is away, Prosody answers its own publishes with wait and keeps the registration', async () => {
  const bob = await login('bob', 'laptop');
  await fx.link.stop();
  const mark = prosody.mark();
  await sendChat(bob, ALICE, 'anyone home?');
  // mod_component bounces the publish; mod_cloud_notify does not count a wait error.
  await prosody.waitForLog(
    new RegExp(`Got error <wait:remote-server-timeout:[^>]*> for identifier '${COMPONENT_DOMAIN}<${NODE_B}': NOT increasing error count`),
    mark,
  );

  await fx.rejoin();
  const index = fx.tap.publishesTo(NODE_B).length;
  await sendChat(bob, ALICE, 'back again?');
  const publish = await fx.tap.answered(NODE_B, index);
  assert.equal(publish.answer?.attrs.type, 'result', 'the registration survived the outage');
  await fx.logout(bob);
});

test('after Prosody restarts, the component joins again by itself and pushes flow again', async () => {
  const onlines = fx.link.stats.onlines;
  await prosody.restart();
  await until(() => fx.link.stats.onlines > onlines && fx.link.state === 'online', REJOIN_TIMEOUT_MS, 'the component back online');

  const bob = await login('bob', 'laptop');
  const index = fx.tap.publishesTo(NODE_B).length;
  const attempts = fx.sim.attempts(TOKEN_B);
  await sendChat(bob, ALICE, 'after the restart');
  const publish = await fx.tap.answered(NODE_B, index);
  assert.equal(publish.answer?.attrs.type, 'result');
  assert.equal(publish.body, PROSODY_PLACEHOLDER_BODY, 'the push for the chat message');
  assert.ok(fx.sim.attempts(TOKEN_B) > attempts, 'APNS request for the registered device');
  await fx.logout(bob);
});

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
