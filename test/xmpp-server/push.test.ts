import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Harness, chat, stanza } from './harness.js';
import { eventually } from '../support/eventually.js';

const ROMEO = 'romeo@example.com';
const APNS = { service: 'apns', device_id: 'TOKEN-A', topic: 'com.example.app' };
const FCM = { service: 'fcm', device_id: 'TOKEN-F', priority: 'high' };

describe('pushing messages to an offline user', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.enable(ROMEO, 'push.example.net', 'node-a', APNS);
    await h.enable(ROMEO, 'push.example.org', 'node-f', FCM);
  });
  afterEach(() => h.dispose());

  test('a message with a body publishes to each registration with the summary and its publish-options', async () => {
    h.role.onMessage(chat(ROMEO, 'Wherefore art thou, Romeo?'));
    const publishes = await h.publisher.waitForPublishes(2);
    const byNode = new Map(publishes.map((p) => [p.node, p]));
    const summary = {
      'message-count': 1,
      'last-message-sender': 'juliet@capulet.example/balcony',
      'last-message-body': 'Wherefore art thou, Romeo?',
    };
    assert.deepEqual(byNode.get('node-a'), {
      from: 'example.com',
      to: 'push.example.net',
      node: 'node-a',
      summary,
      publishOptions: APNS,
    });
    assert.deepEqual(byNode.get('node-f'), {
      from: 'example.com',
      to: 'push.example.org',
      node: 'node-f',
      summary,
      publishOptions: FCM,
    });
  });

  test('message-count grows with each pushed message and restarts when a session becomes available', async () => {
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    h.role.onMessage(chat(ROMEO, 'two', 'm2'));
    await h.publisher.waitForPublishes(4);
    const counts = h.publisher.publishes.filter((p) => p.node === 'node-a').map((p) => p.summary['message-count']);
    assert.deepEqual(counts, [1, 2]);

    h.role.sessionAvailable(`${ROMEO}/phone`);
    h.role.sessionUnavailable(`${ROMEO}/phone`);
    h.role.onMessage(chat(ROMEO, 'three', 'm3'));
    await h.publisher.waitForPublishes(6);
    assert.equal(h.publisher.publishes.at(-1)!.summary['message-count'], 1);
  });

  test('nothing is pushed while the user has an available session', async () => {
    h.role.sessionAvailable(`${ROMEO}/laptop`);
    h.role.sessionHibernated(`${ROMEO}/phone`);
    h.role.onMessage(chat(ROMEO, 'seen live', 'm1'));
    h.role.sessionUnavailable(`${ROMEO}/laptop`);
    h.role.onMessage(chat(ROMEO, 'pushed', 'm2'));
    await h.role.whenIdle();
    assert.equal(h.publisher.publishes.length, 2, 'only the message sent while offline was pushed');
    assert.ok(h.publisher.publishes.every((p) => p.summary['last-message-body'] === 'pushed'));
  });

  test('a message is pushed while the only session is hibernated by stream management', async () => {
    h.role.sessionAvailable(`${ROMEO}/phone`);
    h.role.sessionHibernated(`${ROMEO}/phone`);
    assert.equal(h.role.sessions.hasAvailableSession(ROMEO), false);
    h.role.onMessage(chat(ROMEO, 'are you there?'));
    const publishes = await h.publisher.waitForPublishes(2);
    assert.equal(publishes[0]!.summary['last-message-body'], 'are you there?');
  });

  test('no-store, headline, error, bodiless, subject-only and carbon messages are not pushed', async () => {
    const from = `from='juliet@capulet.example/balcony' to='${ROMEO}'`;
    for (const text of [
      `<message type='chat' id='n1' ${from}><body>secret</body><no-store xmlns='urn:xmpp:hints'/></message>`,
      `<message type='headline' id='n2' ${from}><body>news</body></message>`,
      `<message type='error' id='n3' ${from}><body>oops</body></message>`,
      `<message type='chat' id='n4' ${from}><active xmlns='http://jabber.org/protocol/chatstates'/></message>`,
      `<message type='chat' id='n5' ${from}><body>   </body></message>`,
      `<message type='groupchat' id='n6' from='room@muc.example/nick' to='${ROMEO}'><subject>Topic</subject></message>`,
      `<message type='chat' id='n7' from='${ROMEO}' to='${ROMEO}/phone'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message ${from}><body>copy</body></message></forwarded></received></message>`,
    ]) {
      h.role.onMessage(stanza(text));
    }
    h.role.onMessage(chat(ROMEO, 'real', 'r1'));
    await h.role.whenIdle();
    assert.equal(h.publisher.publishes.length, 2);
    assert.ok(h.publisher.publishes.every((p) => p.summary['last-message-body'] === 'real'));
    assert.equal(h.role.stats.messagesNotPushed, 7);
  });

  test('messages of type normal, groupchat or without type are pushed', async () => {
    h.role.onMessage(stanza(`<message id='a' from='juliet@capulet.example/b' to='${ROMEO}'><body>untyped</body></message>`));
    h.role.onMessage(stanza(`<message type='normal' id='b' from='juliet@capulet.example/b' to='${ROMEO}'><body>normal</body></message>`));
    h.role.onMessage(stanza(`<message type='groupchat' id='c' from='room@muc.example/nurse' to='${ROMEO}'><body>group</body></message>`));
    await h.publisher.waitForPublishes(6);
    assert.deepEqual(
      h.publisher.publishes.filter((p) => p.node === 'node-a').map((p) => p.summary['last-message-body']),
      ['untyped', 'normal', 'group'],
    );
  });

  test('the same message offered twice is pushed once per registration', async () => {
    h.role.onMessage(chat(ROMEO, 'once', 'same-id'));
    h.role.onMessage(chat(ROMEO, 'once', 'same-id'));
    h.role.onMessage(chat(ROMEO, 'next', 'other-id'));
    await h.role.whenIdle();
    assert.equal(h.publisher.publishes.length, 4);
    assert.deepEqual(
      h.publisher.publishes.filter((p) => p.node === 'node-a').map((p) => p.summary['message-count']),
      [1, 2],
    );
    assert.equal(h.role.stats.duplicatesSkipped, 1);
  });

  test('a message to a user without registrations spawns no actor and publishes nothing', async () => {
    h.role.onMessage(chat('benvolio@example.com', 'hello'));
    h.role.onMessage(chat(ROMEO, 'barrier'));
    await h.publisher.waitForPublishes(2);
    assert.ok(h.publisher.publishes.every((p) => p.summary['last-message-body'] === 'barrier'));
  });

  test('a message with a malformed recipient is skipped without throwing', () => {
    assert.doesNotThrow(() => h.role.onMessage(stanza(`<message type='chat' to='a@b@c'><body>x</body></message>`)));
    assert.doesNotThrow(() => h.role.onMessage(stanza(`<message type='chat'><body>x</body></message>`)));
    assert.equal(h.role.stats.messagesUnreadable, 2);
  });
});

describe('summary privacy options', () => {
  test('with include_sender and include_body off the summary carries only message-count', async () => {
    const h = new Harness({ xmppServer: { include_sender: false, include_body: false } });
    try {
      await h.enable(ROMEO, 'push.example.net', 'node-a', APNS);
      h.role.onMessage(chat(ROMEO, 'private words'));
      const [publish] = await h.publisher.waitForPublishes(1);
      assert.deepEqual(publish!.summary, { 'message-count': 1 });
    } finally {
      await h.dispose();
    }
  });

  test('a long body is cut to body_max_chars', async () => {
    const h = new Harness({ xmppServer: { body_max_chars: 10 } });
    try {
      await h.enable(ROMEO, 'push.example.net', 'node-a', APNS);
      h.role.onMessage(chat(ROMEO, 'abcdefghijklmnopqrstuvwxyz'));
      const [publish] = await h.publisher.waitForPublishes(1);
      assert.equal(publish!.summary['last-message-body'], 'abcdefghi…');
    } finally {
      await h.dispose();
    }
  });
});

test('a slow App Server does not stall the pipeline beyond the in-flight window', async () => {
  const h = new Harness({ xmppServer: { max_publishes_in_flight_per_user: 2 } });
  try {
    await h.enable(ROMEO, 'push.example.net', 'node-a', APNS);
    const release: Array<() => void> = [];
    let open = 0;
    let mostOpen = 0;
    h.publisher.answer = () => {
      mostOpen = Math.max(mostOpen, ++open);
      return new Promise((resolve) => release.push(() => (open--, resolve({ ok: true }))));
    };
    for (let i = 1; i <= 4; i++) h.role.onMessage(chat(ROMEO, `m${i}`, `id${i}`));
    // Nothing is answered until the window is full (each push first waits for its badge count).
    await eventually(() => open === 2, 'two publishes in flight', 3_000);
    // Answered one at a time, as they come: each answer lets the next publish start.
    await eventually(() => (release.shift()?.(), h.role.stats.publishesOk === 4), 'four answered publishes', 3_000);
    assert.equal(mostOpen, 2, 'two in flight at most');
    assert.deepEqual(
      h.publisher.publishes.map((p) => p.summary['message-count']),
      [1, 2, 3, 4],
    );
  } finally {
    await h.dispose();
  }
});
