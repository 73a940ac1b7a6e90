/**
 * The push scenarios every real XMPP server must pass with Herald as its App Server, in order, on
 * one server and one Herald (each starts from what the previous left). What differs between
 * servers — their log lines, their placeholder body, what they do while Herald is away — comes
 * from a `ServerBehaviour`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Client } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { JoinedHerald } from './joined-herald.js';
import { createPushNode, discoInfo, enablePush, loseConnection, registerDevice, sendChat, sendPush2Notification } from './xmpp-clients.js';
import { eventually } from '../support/eventually.js';

export const SECRET = 'interop-component-secret';
/** Two devices of Alice's, one per push node. */
export const NODE_A = 'alice-phone-a';
export const TOKEN_A = 'a1'.repeat(32);
export const NODE_B = 'alice-phone-b';
export const TOKEN_B = 'b2'.repeat(32);
/** Bob's device registered for Push 2.0. */
export const TOKEN_C = 'c3'.repeat(32);
/** ms for the component to rejoin a restarted server (it reconnects after 100 ms, then at most every second). */
const REJOIN_TIMEOUT_MS = 20_000;

const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';

/** A started server harness (ProsodyServer, EjabberdServer). */
export interface RealServer {
  readonly c2sService: string;
  readonly componentService: string;
  register(username: string, password: string): void;
  mark(): number;
  waitForLog(pattern: RegExp, since: number): Promise<string>;
  tail(lines: number): string;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export interface ServerBehaviour<S extends RealServer> {
  name: string;
  start(secret: string): Promise<S>;
  componentDomain: string;
  userDomain: string;
  /** The body the server publishes instead of the message's. */
  placeholderBody: string;
  /** Logged when the server drops a registration after Herald's device-not-registered. */
  disabledLog(node: string): RegExp;
  /** Logged when a session goes into XEP-0198 hibernation. */
  hibernationLog: RegExp;
  /** Checks that the push after `sending` came from the hibernated session, not from offline storage. */
  pushedFromHibernation(server: S, marks: { hibernating: number; sending: number }): Promise<void>;
  /** What the server does with a publish while no component serves Herald's domain. */
  whileAway: {
    /** The rest of the test's name: `while Herald is away, <name> <answers>`. */
    answers: string;
    /** Logged when the server answers its own publish to NODE_B. */
    log: RegExp;
    /** Whether the registration outlives the outage (a `wait` answer) or is dropped. */
    keepsRegistration: boolean;
  };
}

/** Registers the shared scenarios, in order, on one server of `b`'s kind and one Herald. */
export function pushScenarios<S extends RealServer>(b: ServerBehaviour<S>): void {
  let server: S;
  let fx: JoinedHerald;
  const alice = `alice@${b.userDomain}`;
  const login = (username: string, resource: string): Promise<Client> => fx.login(b.userDomain, username, resource);

  /** Sends `text` from `sender` to Alice between two barriers; resolves with the publishes to `node` it caused. */
  const publishesCausedBy = async (sender: Client, node: string, text: string): Promise<number> => {
    // Barriers: an IQ through the server to Herald comes after everything the server sent Herald
    // before it on the component stream; settled() waits until Herald answered all of it.
    await discoInfo(sender, b.componentDomain);
    await fx.tap.settled();
    const before = fx.tap.publishesTo(node).length;
    await sendChat(sender, alice, text);
    await discoInfo(sender, b.componentDomain);
    await fx.tap.settled();
    return fx.tap.publishesTo(node).length - before;
  };

  before(async () => {
    server = await b.start(SECRET);
    server.register('alice', 'alice-pw');
    server.register('bob', 'bob-pw');
    const tail = (n: number) => server.tail(n);
    fx = await JoinedHerald.start({ name: b.name, c2sService: server.c2sService, componentService: server.componentService, tail }, b.componentDomain, SECRET);
  });

  after(async () => {
    try {
      await fx?.close();
    } finally {
      await server?.dispose();
    }
  });

  test(`Herald answers disco#info through ${b.name} as a pubsub service of type push`, async () => {
    const bob = await login('bob', 'laptop');
    const info = await discoInfo(bob, b.componentDomain);
    const identity = info.getChild('query')?.getChild('identity');
    assert.deepEqual([identity?.attrs.category, identity?.attrs.type], ['pubsub', 'push']);
    await fx.logout(bob);
  });

  test(`a message to an offline user is published by ${b.name} to Herald and reaches the APNS simulator`, async () => {
    const user = await login('alice', 'phone');
    assert.equal((await createPushNode(user, b.componentDomain, NODE_A)).attrs.type, 'result');
    assert.equal((await enablePush(user, b.componentDomain, NODE_A, TOKEN_A)).attrs.type, 'result');
    await fx.logout(user);

    const bob = await login('bob', 'laptop');
    const before = fx.sim.received.length;
    await sendChat(bob, alice, 'Wherefore art thou?');
    const received = await fx.sim.waitForReceived(before + 1, 15_000);
    const push = received.slice(before).find((p) => p.token === TOKEN_A);
    assert.ok(push, 'an APNS request for the device');
    // The placeholder body makes it a visible alert (XEP-0357 summary with last-message-body).
    assert.equal(push.headers['apns-push-type'], 'alert');
    const publish = await fx.tap.answered(NODE_A, 0);
    assert.equal(publish.from, b.userDomain, `${b.name} publishes from its own domain`);
    assert.equal(publish.body, b.placeholderBody);
    assert.equal(publish.answer?.attrs.type, 'result');
    await fx.logout(bob);
  });

  test(`once APNS answers Unregistered, Herald answers device-not-registered and ${b.name} stops pushing to that device`, async () => {
    fx.sim.program(TOKEN_A, { status: 410, reason: 'Unregistered' });
    const bob = await login('bob', 'laptop');
    const mark = server.mark();
    const index = fx.tap.publishesTo(NODE_A).length;
    await sendChat(bob, alice, 'are you there?');

    const { answer } = await fx.tap.answered(NODE_A, index);
    assert.equal(answer?.attrs.type, 'error');
    const error = answer!.getChild('error')!;
    assert.equal(error.attrs.type, 'cancel');
    assert.ok(error.getChild('not-acceptable', NS_STANZAS), answer!.toString());
    assert.ok(error.getChild('device-not-registered', NS_PUBSUB_ERRORS), answer!.toString());
    await server.waitForLog(b.disabledLog(NODE_A), mark);

    const attempts = fx.sim.attempts(TOKEN_A);
    assert.equal(await publishesCausedBy(bob, NODE_A, 'hello?'), 0, `${b.name} published nothing more for the dead device`);
    assert.equal(fx.sim.attempts(TOKEN_A), attempts, 'no APNS request for the dead device');
    await fx.logout(bob);
  });

  test("a message while the user's XEP-0198 session is hibernated is pushed", async () => {
    const user = await login('alice', 'phone');
    assert.ok(user.streamManagement.enabled && user.streamManagement.id !== '', 'stream management enabled with resumption');
    assert.equal((await createPushNode(user, b.componentDomain, NODE_B)).attrs.type, 'result');
    assert.equal((await enablePush(user, b.componentDomain, NODE_B, TOKEN_B)).attrs.type, 'result');
    const bob = await login('bob', 'laptop');
    const hibernating = server.mark();
    fx.forget(user);
    loseConnection(user);
    await server.waitForLog(b.hibernationLog, hibernating);
    // Stanzas left unacknowledged when the session went to sleep may be pushed at once; the
    // barrier lets those pass before Bob writes.
    await discoInfo(bob, b.componentDomain);
    await fx.tap.settled();

    const sending = server.mark();
    const index = fx.tap.publishesTo(NODE_B).length;
    const before = fx.sim.received.length;
    await sendChat(bob, alice, 'still there?');
    const publish = await fx.tap.answered(NODE_B, index);
    assert.equal(publish.answer?.attrs.type, 'result');
    assert.equal(publish.body, b.placeholderBody, 'the push for the chat message');
    const received = await fx.sim.waitForReceived(before + 1, 15_000);
    assert.ok(received.slice(before).some((p) => p.token === TOKEN_B));
    await b.pushedFromHibernation(server, { hibernating, sending });
    await fx.logout(bob);
  });

  test(`Push 2.0 through ${b.name}: a device registered by command gets a notification relayed by the server, its payload byte for byte; an unknown client's is answered cancel/item-not-found back through the server`, async () => {
    const bob = await login('bob', 'push2');
    const errors: Element[] = [];
    bob.on('stanza', (stanza: Element) => {
      if (stanza.is('message') && stanza.attrs.type === 'error') errors.push(stanza);
    });
    const client = await registerDevice(bob, b.componentDomain, 'register-push-apns', { token: TOKEN_C });
    const payload = randomBytes(300);
    const before = fx.sim.received.length;
    await sendPush2Notification(bob, b.componentDomain, 'push2-1', client, payload);
    const received = await fx.sim.waitForReceived(before + 1, 15_000);
    const push = received.slice(before).find((p) => p.token === TOKEN_C);
    assert.ok(push, 'an APNS request for the device');
    assert.deepEqual(Buffer.from((push.payload as { 'push2-payload': string })['push2-payload'], 'base64'), payload);

    const [node] = client.split('.');
    await sendPush2Notification(bob, b.componentDomain, 'push2-2', `${node}.not-the-secret`, payload);
    await eventually(() => errors.some((e) => e.attrs.id === 'push2-2'), `${b.name} relays Herald's error for the unknown client`, 15_000);
    const error = StanzaError.fromStanza(errors.find((e) => e.attrs.id === 'push2-2')!);
    assert.deepEqual([error.type, error.condition], ['cancel', 'item-not-found']);
    assert.equal(errors.some((e) => e.attrs.id === 'push2-1'), false, 'the delivered notification is not answered');
    await fx.logout(bob);
  });

  test(`after ${b.name} restarts, the component joins again by itself and pushes flow again`, async () => {
    const onlines = fx.link.stats.onlines;
    await server.restart();
    await eventually(() => fx.link.stats.onlines > onlines && fx.link.state === 'online', 'the component back online', REJOIN_TIMEOUT_MS);

    const bob = await login('bob', 'laptop');
    const index = fx.tap.publishesTo(NODE_B).length;
    const attempts = fx.sim.attempts(TOKEN_B);
    await sendChat(bob, alice, 'after the restart');
    const publish = await fx.tap.answered(NODE_B, index);
    assert.equal(publish.answer?.attrs.type, 'result', 'the registration survived the restart (kept on disk)');
    assert.equal(publish.body, b.placeholderBody, 'the push for the chat message');
    assert.ok(fx.sim.attempts(TOKEN_B) > attempts, 'APNS request for the registered device');
    await fx.logout(bob);
  });

  test(`while Herald is away, ${b.name} ${b.whileAway.answers}`, async () => {
    const bob = await login('bob', 'laptop');
    await fx.link.stop();
    const mark = server.mark();
    await sendChat(bob, alice, 'anyone home?');
    await server.waitForLog(b.whileAway.log, mark);

    await fx.rejoin();
    if (b.whileAway.keepsRegistration) {
      await discoInfo(bob, b.componentDomain);
      const index = fx.tap.publishesTo(NODE_B).length;
      await sendChat(bob, alice, 'back again?');
      const publish = await fx.tap.answered(NODE_B, index);
      assert.equal(publish.answer?.attrs.type, 'result', 'the registration survived the outage');
    } else {
      assert.equal(await publishesCausedBy(bob, NODE_B, 'back again?'), 0, 'the registration is gone: the client must enable push again');
    }
    await fx.logout(bob);
  });
}
