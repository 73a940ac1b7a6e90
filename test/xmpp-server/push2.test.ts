/**
 * Push 2.0 in the XMPP Server role: enable and disable per session, each match profile, chat
 * filters, grace, which sessions are pushed, and the draft's retry rule — against a real LMDB
 * store, with a recording push service standing in for the App Server.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { Harness, assertStanzaError, stanza } from './harness.js';
import type { Push2Notification } from '../../src/xmpp/push2/push2-types.js';
import type { PublishResult } from '../../src/xmpp-server/publisher.js';
import type { Push2Sender } from '../../src/xmpp-server/push2/push2-delivery.js';
import type { MessageContext } from '../../src/xmpp-server/index.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { eventually } from '../support/eventually.js';

const ROMEO = 'romeo@example.com';
const PHONE = `${ROMEO}/phone`;
const SERVICE = 'push.example.net';

/** Records each notification and answers with `answer`. */
class RecordingPushService implements Push2Sender {
  readonly received: Push2Notification[] = [];
  answer: (n: Push2Notification) => PublishResult = () => ({ ok: true });

  send(notification: Push2Notification): Promise<PublishResult> {
    this.received.push(structuredClone(notification));
    return Promise.resolve(this.answer(notification));
  }
}

type MatchSpec = { profile: string; grace?: number; filters?: string };

function push2EnableIq(from: string, matches: MatchSpec[], client = 'device-1'): Element {
  const matchXml = matches
    .map(
      (m) =>
        `<match profile='urn:xmpp:push2:match:${m.profile}'>${m.grace === undefined ? '' : `<grace>${m.grace}</grace>`}${m.filters ?? ''}<send xmlns='urn:xmpp:push2:send:notify-only:0'/></match>`,
    )
    .join('');
  return stanza(`<iq type='set' id='p2e' from='${from}'><enable xmlns='urn:xmpp:push2:0'><service>${SERVICE}</service><client>${client}</client>${matchXml}</enable></iq>`);
}

const disableIq = (from: string): Element => stanza(`<iq type='set' id='p2d' from='${from}'><disable xmlns='urn:xmpp:push2:0'/></iq>`);

let h: Harness;
let service: RecordingPushService;

async function enable(matches: MatchSpec[], from = PHONE, client?: string): Promise<void> {
  const reply = await h.role.handleIq(push2EnableIq(from, matches, client));
  assert.equal(reply.attrs.type, 'result', reply.toString());
}

/** Offers `text` (a message to romeo) and waits until the role is idle. */
async function offer(text: string, context?: MessageContext): Promise<void> {
  h.role.onMessage(stanza(text), context);
  await h.role.whenIdle();
}

const chat = (body: string, id: string) => `<message type='chat' id='${id}' from='juliet@capulet.example/balcony' to='${ROMEO}'><body>${body}</body></message>`;

beforeEach(() => {
  service = new RecordingPushService();
  h = new Harness({ push2Sender: service, xmppServer: { push2: { retry_backoff_ms: 1, retry_max_ms: 4 } } });
});
afterEach(() => h.dispose());

describe('enable and disable', () => {
  test('an enabled session that is gone is notified with its client and a priority; notify-only carries no payload', async () => {
    await enable([{ profile: 'all' }]);
    await offer(chat('hello', 'm1'));
    assert.equal(service.received.length, 1);
    const [n] = service.received;
    assert.equal(n!.to, SERVICE);
    assert.equal(n!.from, 'example.com');
    assert.equal(n!.client, 'device-1');
    assert.equal(n!.priority, 'normal');
    assert.equal(n!.encrypted, undefined);
    assert.equal(h.role.stats.push2Delivered, 1);
  });

  test('the registration survives a restart of the role and its store', async () => {
    await enable([{ profile: 'all' }]);
    await h.stop();
    h.open();
    await offer(chat('after restart', 'm1'));
    assert.equal(service.received.length, 1);
    assert.equal((await h.role.registrations(ROMEO))[0]!.push2?.client, 'device-1');
  });

  test('re-enabling from the same session replaces it; disable from that session removes it and nothing is pushed', async () => {
    await enable([{ profile: 'all' }], PHONE, 'old');
    await enable([{ profile: 'all' }], PHONE, 'new');
    await offer(chat('one', 'm1'));
    assert.deepEqual(service.received.map((n) => n.client), ['new']);
    assert.equal((await h.role.handleIq(disableIq(PHONE))).attrs.type, 'result');
    await offer(chat('two', 'm2'));
    assert.equal(service.received.length, 1);
  });

  test('each session has its own registration: disabling one leaves the other', async () => {
    await enable([{ profile: 'all' }], PHONE, 'phone');
    await enable([{ profile: 'all' }], `${ROMEO}/tablet`, 'tablet');
    await h.role.handleIq(disableIq(PHONE));
    await offer(chat('hi', 'm1'));
    assert.deepEqual(service.received.map((n) => n.client), ['tablet']);
  });

  test('the same device enabling from a new session (a new resource) replaces its registration of the old one', async () => {
    await enable([{ profile: 'all' }], `${ROMEO}/conn-1`, 'device-x');
    await enable([{ profile: 'all' }], `${ROMEO}/conn-2`, 'device-x');
    await enable([{ profile: 'all' }], `${ROMEO}/tablet`, 'device-y');
    assert.deepEqual((await h.role.registrations(ROMEO)).map((r) => [r.node, r.push2?.client]), [['conn-2', 'device-x'], ['tablet', 'device-y']]);
    await h.stop();
    h.open();
    await offer(chat('one each', 'm1'));
    assert.deepEqual(service.received.map((n) => n.client).sort(), ['device-x', 'device-y']);
  });

  test('an enable from a bare JID, for another account, or of type get is refused', async () => {
    assertStanzaError(await h.role.handleIq(push2EnableIq(ROMEO, [{ profile: 'all' }])), 'modify', 'bad-request');
    const other = push2EnableIq(PHONE, [{ profile: 'all' }]);
    other.attrs.to = 'juliet@example.com';
    assertStanzaError(await h.role.handleIq(other), 'cancel', 'not-allowed');
    const get = push2EnableIq(PHONE, [{ profile: 'all' }]);
    get.attrs.type = 'get';
    assertStanzaError(await h.role.handleIq(get), 'cancel', 'not-allowed');
    assert.deepEqual(await h.role.registrations(ROMEO), []);
  });

  test('the account advertises Push 2.0 and its profiles', () => {
    const features = h.role.discoFeatures();
    for (const feature of [
      'urn:xmpp:push2:0',
      'urn:xmpp:push2:match:all',
      'urn:xmpp:push2:match:important',
      'urn:xmpp:push2:match:archived',
      'urn:xmpp:push2:match:archived-with-body',
      'urn:xmpp:push2:send:notify-only:0',
      'urn:xmpp:push2:send:sce+rfc8291+rfc8292:0',
      'urn:xmpp:push:0',
    ]) {
      assert.ok(features.includes(feature), feature);
    }
  });
});

describe('which sessions are pushed', () => {
  test('while the enabling session is available nothing is pushed; hibernated, it is, though another session is online', async () => {
    await enable([{ profile: 'all' }]);
    h.role.sessionAvailable(PHONE);
    h.role.sessionAvailable(`${ROMEO}/laptop`);
    await offer(chat('seen on the phone', 'm1'));
    assert.equal(service.received.length, 0);
    h.role.sessionHibernated(PHONE);
    await offer(chat('the phone sleeps', 'm2'));
    assert.equal(service.received.length, 1);
  });

  test('a call rings the device even while its session is available (a dead connection must not hold it)', async () => {
    await enable([{ profile: 'important' }]);
    h.role.sessionAvailable(PHONE);
    await offer(chat('seen on the phone', 'm1'));
    assert.equal(service.received.length, 0);
    await offer(`<message id='call' from='juliet@capulet.example/balcony' to='${ROMEO}'><propose xmlns='urn:xmpp:jingle-message:0' id='c-1'/></message>`);
    assert.equal(service.received.length, 1);
    assert.equal(service.received[0]!.priority, 'high');
  });

  test('a message offered twice is notified once', async () => {
    await enable([{ profile: 'all' }]);
    await offer(chat('once', 'same'));
    await offer(chat('once', 'same'));
    assert.equal(service.received.length, 1);
  });
});

describe('match profiles', () => {
  const chatState = `<message type='chat' id='cs' from='juliet@capulet.example/balcony' to='${ROMEO}'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`;
  const archivedChat = (body: string, id: string) =>
    `<message type='chat' id='${id}' from='juliet@capulet.example/balcony' to='${ROMEO}'><body>${body}</body><stanza-id xmlns='urn:xmpp:sid:0' by='${ROMEO}' id='mam-${id}'/></message>`;

  test('all: a chat state is pushed too, at low priority', async () => {
    await enable([{ profile: 'all' }]);
    await offer(chatState);
    assert.deepEqual(service.received.map((n) => n.priority), ['low']);
  });

  test('important: a message with a body is pushed, a chat state and a correction are not', async () => {
    await enable([{ profile: 'important' }]);
    await offer(chatState);
    await offer(`<message type='chat' id='c1' from='juliet@capulet.example/balcony' to='${ROMEO}'><body>fixed</body><replace xmlns='urn:xmpp:message-correct:0' id='m0'/></message>`);
    assert.equal(service.received.length, 0);
    await offer(chat('important', 'm1'));
    assert.equal(service.received.length, 1);
  });

  test('a call is pushed at high priority as voip', async () => {
    await enable([{ profile: 'important' }]);
    await offer(`<message id='call' from='juliet@capulet.example/balcony' to='${ROMEO}'><propose xmlns='urn:xmpp:jingle-message:0' id='c-1'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></propose></message>`);
    assert.equal(service.received[0]?.priority, 'high');
    assert.equal(service.received[0]?.voip, true);
  });

  test('archived: only a message the host archived — its stanza-id, or its word — is pushed', async () => {
    await enable([{ profile: 'archived' }]);
    await offer(chat('not archived', 'm1'));
    assert.equal(service.received.length, 0);
    await offer(archivedChat('archived', 'm2'));
    assert.equal(service.received.length, 1);
    await offer(chat('the host says archived', 'm3'), { archived: true });
    assert.equal(service.received.length, 2);
    await offer(archivedChat('the host says not', 'm4'), { archived: false });
    assert.equal(service.received.length, 2);
  });

  test('archived-with-body: an archived chat state is not pushed, an archived body is', async () => {
    await enable([{ profile: 'archived-with-body' }]);
    await offer(chatState, { archived: true });
    assert.equal(service.received.length, 0);
    await offer(archivedChat('with body', 'm1'));
    assert.equal(service.received.length, 1);
  });
});

describe('filters for group chats', () => {
  const ROOM = 'verona@muc.example.com';
  const groupchat = (body: string, id: string, extra = '') =>
    `<message type='groupchat' id='${id}' from='${ROOM}/tybalt' to='${PHONE}'><body>${body}</body>${extra}</message>`;

  test('mention: only a message naming the user is pushed from that room; another room pushes as usual', async () => {
    await enable([{ profile: 'all', filters: `<filter jid='${ROOM}'><mention/></filter>` }]);
    await offer(groupchat('a quarrel in the square', 'g1'));
    assert.equal(service.received.length, 0);
    await offer(groupchat('where is romeo?', 'g2'));
    assert.equal(service.received.length, 1);
    await offer(`<message type='groupchat' id='g3' from='mantua@muc.example.com/friar' to='${PHONE}'><body>news</body></message>`);
    assert.equal(service.received.length, 2);
  });

  test('reply: only a reply to one of the user\u2019s messages is pushed', async () => {
    await enable([{ profile: 'all', filters: `<filter jid='${ROOM}'><reply/></filter>` }]);
    await offer(groupchat('no one', 'g1'));
    await offer(groupchat('not you', 'g2', `<reply xmlns='urn:xmpp:reply:0' to='${ROOM}/mercutio' id='x'/>`));
    assert.equal(service.received.length, 0);
    await offer(groupchat('to you', 'g3', `<reply xmlns='urn:xmpp:reply:0' to='${ROOM}/romeo' id='y'/>`));
    assert.equal(service.received.length, 1);
  });

  test("the host's room nick: a mention names it (not the local part), and the room's echo of the user's own message is not important", async () => {
    await enable([{ profile: 'all', filters: `<filter jid='${ROOM}'><mention/></filter>` }]);
    const asMonty = { roomNick: 'Monty' };
    await offer(groupchat('where is romeo?', 'n1'), asMonty);
    assert.equal(service.received.length, 0, 'the local part is not the nick in this room');
    await offer(groupchat('where is Monty?', 'n2'), asMonty);
    assert.equal(service.received.length, 1);

    await enable([{ profile: 'important' }]);
    const echo = (id: string) => `<message type='groupchat' id='${id}' from='${ROOM}/Monty' to='${PHONE}'><body>I am here</body></message>`;
    await offer(echo('n3'), asMonty);
    assert.equal(service.received.length, 1, 'the echo of his own message');
    await offer(echo('n4'));
    assert.equal(service.received.length, 2, 'without the nick the host knows nothing of an echo');
    await offer(groupchat('from tybalt', 'n5'), asMonty);
    assert.equal(service.received.length, 3);
  });

  test('a filter with neither mention nor reply mutes the room', async () => {
    await enable([{ profile: 'all', filters: `<filter jid='${ROOM}'/>` }]);
    await offer(groupchat('romeo! romeo!', 'g1'));
    assert.equal(service.received.length, 0);
  });
});

describe('grace', () => {
  test('activity on another session pauses a match with grace; a call still rings; the own session\u2019s activity does not pause', async () => {
    await enable([{ profile: 'important', grace: 300 }]);
    h.role.sessionAvailable(PHONE);
    h.role.sessionActivity(PHONE);
    h.role.sessionHibernated(PHONE);
    await offer(chat('own activity does not count', 'm1'));
    assert.equal(service.received.length, 1);

    h.role.sessionAvailable(`${ROMEO}/laptop`);
    h.role.sessionActivity(`${ROMEO}/laptop`);
    await offer(chat('read on the laptop', 'm2'));
    assert.equal(service.received.length, 1);
    await offer(`<message id='call' from='juliet@capulet.example/balcony' to='${ROMEO}'><propose xmlns='urn:xmpp:jingle-message:0' id='c-1'/></message>`);
    assert.equal(service.received.length, 2);

    // The laptop's session ends: its activity goes with it.
    h.role.sessionUnavailable(`${ROMEO}/laptop`);
    await offer(chat('laptop closed', 'm3'));
    assert.equal(service.received.length, 3);
  });

  test('a match without grace is not paused by activity elsewhere', async () => {
    await enable([{ profile: 'important' }]);
    h.role.sessionAvailable(`${ROMEO}/laptop`);
    h.role.sessionActivity(`${ROMEO}/laptop`);
    await offer(chat('pushed', 'm1'));
    assert.equal(service.received.length, 1);
  });
});

describe('errors from the push service', () => {
  test('a wait error is retried until the push service takes it', async () => {
    await enable([{ profile: 'all' }]);
    let refusals = 2;
    service.answer = () => (refusals-- > 0 ? { ok: false, error: new StanzaError('resource-constraint', 'wait') } : { ok: true });
    h.role.onMessage(stanza(chat('retry me', 'm1')));
    await eventually(() => h.role.stats.push2Delivered === 1, 'delivered after two retries');
    assert.equal(service.received.length, 3);
    assert.equal(h.role.stats.push2Retried, 2);
  });

  test('a wait error is retried at most wait_retries times', async () => {
    await enable([{ profile: 'all' }]);
    service.answer = () => ({ ok: false, error: new StanzaError('resource-constraint', 'wait') });
    h.role.onMessage(stanza(chat('never taken', 'm1')));
    await eventually(() => h.role.stats.push2Failed === 1, 'given up');
    assert.equal(service.received.length, 1 + h.config.xmpp_server.push2.wait_retries);
  });

  test('any other error is never retried', async () => {
    await enable([{ profile: 'all' }]);
    service.answer = () => ({ ok: false, error: new StanzaError('item-not-found', 'cancel') });
    await offer(chat('gone', 'm1'));
    assert.equal(service.received.length, 1);
    assert.equal(h.role.stats.push2Failed, 1);
    assert.equal(h.role.stats.push2Retried, 0);
  });

  test('a registration failing for good for disable_after_failing_ms is disabled; a success in between clears the mark', async () => {
    await h.dispose();
    h = new Harness({ push2Sender: service, xmppServer: { push2: { disable_after_failing_ms: 1 } } });
    await enable([{ profile: 'all' }]);
    const failing = async () => (await h.role.registrations(ROMEO))[0]?.push2?.failingSince;
    let n = 0;
    service.answer = () => ({ ok: false, error: new StanzaError('item-not-found', 'cancel') });
    await offer(chat('refused', `m${++n}`));
    await eventually(async () => (await failing()) !== undefined, 'marked failing, durably');

    service.answer = () => ({ ok: true });
    await offer(chat('taken', `m${++n}`));
    await eventually(async () => (await failing()) === undefined, 'a success clears the mark');
    assert.equal((await h.role.registrations(ROMEO)).length, 1);

    service.answer = () => ({ ok: false, error: new StanzaError('item-not-found', 'cancel') });
    await eventually(async () => {
      await offer(chat('refused again', `m${++n}`));
      return (await h.role.registrations(ROMEO)).length === 0;
    }, 'disabled once failing for longer than the limit');
  });

  test('with disable_after_failing_ms = 0 a registration is never marked nor disabled', async () => {
    await h.dispose();
    h = new Harness({ push2Sender: service, xmppServer: { push2: { disable_after_failing_ms: 0 } } });
    await enable([{ profile: 'all' }]);
    service.answer = () => ({ ok: false, error: new StanzaError('item-not-found', 'cancel') });
    for (let i = 1; i <= 3; i++) await offer(chat('refused', `z${i}`));
    const [registration] = await h.role.registrations(ROMEO);
    assert.equal(registration?.push2?.failingSince, undefined);
    assert.equal(service.received.length, 3);
  });
});
