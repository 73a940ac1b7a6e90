/**
 * Herald as the App Server of a real ejabberd 23.01 (Debian's package, its own mod_push), joined
 * as an XEP-0114 component (ejabberd_service), with real clients on ejabberd's c2s port. The
 * tests run in order on one ejabberd and one Herald: each starts from what the previous left.
 *
 * What ejabberd's mod_push does, as observed on Debian's 23.01, and what the assertions rely on:
 * - it publishes from its domain JID (`localhost`) for a message stored offline (mod_offline)
 *   and for a message queued in a hibernated XEP-0198 session (mod_stream_mgmt), with a summary
 *   whose last-message-body is `include_body` ("New message" in ejabberd.yml);
 * - on an error answer that is not of type `wait` it removes the registration at once (no error
 *   count, unlike Prosody's mod_cloud_notify) and logs "push.localhost rejected notification
 *   for JID (NODE), disabling push: REASON";
 * - while no component is connected, ejabberd answers the publish itself with auth/forbidden
 *   (s2s_access: none), so an outage of Herald also removes registrations;
 * - registrations are kept in Mnesia on disk, so they survive a restart of ejabberd.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@xmpp/client';
import { JoinedHerald } from '../joined-herald.js';
import { createPushNode, discoInfo, enablePush, loseConnection, sendChat } from '../xmpp-clients.js';
import { COMPONENT_DOMAIN, EjabberdServer, USER_DOMAIN } from './ejabberd-server.js';

const SECRET = 'interop-component-secret';
const ALICE = `alice@${USER_DOMAIN}`;
/** Two devices of Alice's, one per push node. */
const NODE_A = 'alice-phone-a';
const TOKEN_A = 'a1'.repeat(32);
const NODE_B = 'alice-phone-b';
const TOKEN_B = 'b2'.repeat(32);
/** ejabberd.yml's mod_push `include_body`: sent instead of the message body. */
const PLACEHOLDER_BODY = 'New message';
/** ms for the component to rejoin a restarted ejabberd (it reconnects after 100 ms, then at most every second). */
const REJOIN_TIMEOUT_MS = 20_000;

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';

let ejabberd: EjabberdServer;
let fx: JoinedHerald;

before(async () => {
  ejabberd = await EjabberdServer.start(SECRET);
  ejabberd.register('alice', 'alice-pw');
  ejabberd.register('bob', 'bob-pw');
  fx = await JoinedHerald.start({ name: 'ejabberd', c2sService: ejabberd.c2sService, componentService: ejabberd.componentService, tail: (n) => ejabberd.tail(n) }, COMPONENT_DOMAIN, SECRET);
});

after(async () => {
  try {
    await fx?.close();
  } finally {
    await ejabberd?.dispose();
  }
});

const login = (username: string, resource: string): Promise<Client> => fx.login(USER_DOMAIN, username, resource);

test('Herald answers disco#info through ejabberd as a pubsub service of type push', async () => {
  const bob = await login('bob', 'laptop');
  const info = await discoInfo(bob, COMPONENT_DOMAIN);
  const identity = info.getChild('query')?.getChild('identity');
  assert.deepEqual([identity?.attrs.category, identity?.attrs.type], ['pubsub', 'push']);
  await fx.logout(bob);
});

test('a message to an offline user is published by ejabberd to Herald and reaches the APNS simulator', async () => {
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
  // The placeholder body makes it a visible alert (XEP-0357 summary with last-message-body).
  assert.equal(push.headers['apns-push-type'], 'alert');
  const publish = await fx.tap.answered(NODE_A, 0);
  assert.equal(publish.from, USER_DOMAIN, 'ejabberd publishes from its own domain');
  assert.equal(publish.body, PLACEHOLDER_BODY);
  assert.equal(publish.answer?.attrs.type, 'result');
  await fx.logout(bob);
});

test('once APNS answers Unregistered, Herald answers device-not-registered and ejabberd stops pushing to that device', async () => {
  fx.sim.program(TOKEN_A, { status: 410, reason: 'Unregistered' });
  const bob = await login('bob', 'laptop');
  const mark = ejabberd.mark();
  const index = fx.tap.publishesTo(NODE_A).length;
  await sendChat(bob, ALICE, 'are you there?');

  const { answer } = await fx.tap.answered(NODE_A, index);
  assert.equal(answer?.attrs.type, 'error');
  const error = answer!.getChild('error')!;
  assert.equal(error.attrs.type, 'cancel');
  assert.ok(error.getChild('not-acceptable', NS_STANZAS), answer!.toString());
  assert.ok(error.getChild('device-not-registered', NS_PUBSUB_ERRORS), answer!.toString());
  // mod_push removes the registration on the first non-wait error.
  await ejabberd.waitForLog(new RegExp(`${COMPONENT_DOMAIN} rejected notification for ${ALICE} \\(${NODE_A}\\), disabling push`), mark);

  // Barriers: an IQ through ejabberd to Herald comes after everything ejabberd sent Herald before
  // it on the component stream; settled() waits until Herald answered all of it.
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();
  const publishes = fx.tap.publishesTo(NODE_A).length;
  const attempts = fx.sim.attempts(TOKEN_A);
  await sendChat(bob, ALICE, 'hello?');
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();
  assert.equal(fx.tap.publishesTo(NODE_A).length, publishes, 'ejabberd published nothing more for the dead device');
  assert.equal(fx.sim.attempts(TOKEN_A), attempts, 'no APNS request for the dead device');
  await fx.logout(bob);
});

test("a message while the user's XEP-0198 session is hibernated is pushed", async () => {
  const alice = await login('alice', 'phone');
  assert.ok(alice.streamManagement.enabled && alice.streamManagement.id !== '', 'stream management enabled with resumption');
  assert.equal((await createPushNode(alice, COMPONENT_DOMAIN, NODE_B)).attrs.type, 'result');
  assert.equal((await enablePush(alice, COMPONENT_DOMAIN, NODE_B, TOKEN_B)).attrs.type, 'result');
  const bob = await login('bob', 'laptop');
  const hibernating = ejabberd.mark();
  fx.forget(alice);
  loseConnection(alice);
  // mod_stream_mgmt keeps the session for resumption (resume_timeout, 300 s by default).
  await ejabberd.waitForLog(new RegExp(`Closing c2s connection for ${ALICE}/phone: .*waiting \\d+ seconds for stream resumption`), hibernating);
  // Stanzas left unacknowledged when the session went to sleep may be pushed at once; the
  // barrier lets those pass before Bob writes.
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();

  const index = fx.tap.publishesTo(NODE_B).length;
  const before = fx.sim.received.length;
  await sendChat(bob, ALICE, 'still there?');
  const publish = await fx.tap.answered(NODE_B, index);
  assert.equal(publish.answer?.attrs.type, 'result');
  assert.equal(publish.body, PLACEHOLDER_BODY, 'the push for the chat message');
  const received = await fx.sim.waitForReceived(before + 1, 15_000);
  assert.ok(received.slice(before).some((p) => p.token === TOKEN_B));
  // From the hibernated session (mod_stream_mgmt → mod_push), not as an offline message.
  assert.equal(ejabberd.logged(new RegExp(`Closing c2s session for ${ALICE}/phone`), hibernating), false, 'the session was still hibernated');
  await fx.logout(bob);
});

test('after ejabberd restarts, the component joins again by itself and pushes flow again', async () => {
  const onlines = fx.link.stats.onlines;
  await ejabberd.restart();
  await until(() => fx.link.stats.onlines > onlines && fx.link.state === 'online', REJOIN_TIMEOUT_MS, 'the component back online');

  const bob = await login('bob', 'laptop');
  const index = fx.tap.publishesTo(NODE_B).length;
  const attempts = fx.sim.attempts(TOKEN_B);
  await sendChat(bob, ALICE, 'after the restart');
  const publish = await fx.tap.answered(NODE_B, index);
  assert.equal(publish.answer?.attrs.type, 'result', 'the registration survived the restart (Mnesia on disk)');
  assert.equal(publish.body, PLACEHOLDER_BODY, 'the push for the chat message');
  assert.ok(fx.sim.attempts(TOKEN_B) > attempts, 'APNS request for the registered device');
  await fx.logout(bob);
});

test('while Herald is away, ejabberd answers its own publishes with an error and drops the registration', async () => {
  const bob = await login('bob', 'laptop');
  await fx.link.stop();
  const mark = ejabberd.mark();
  await sendChat(bob, ALICE, 'anyone home?');
  // Unlike Prosody's wait/remote-server-timeout: no component serves the domain, and with
  // s2s_access: none ejabberd answers auth/forbidden, which mod_push takes as the App Server
  // refusing the device.
  await ejabberd.waitForLog(new RegExp(`${COMPONENT_DOMAIN} rejected notification for ${ALICE} \\(${NODE_B}\\), disabling push: .*\\(forbidden\\) \\(auth\\)`), mark);

  await fx.rejoin();
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();
  const publishes = fx.tap.publishesTo(NODE_B).length;
  await sendChat(bob, ALICE, 'back again?');
  await discoInfo(bob, COMPONENT_DOMAIN);
  await fx.tap.settled();
  assert.equal(fx.tap.publishesTo(NODE_B).length, publishes, 'the registration is gone: the client must enable push again');
  await fx.logout(bob);
});

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
