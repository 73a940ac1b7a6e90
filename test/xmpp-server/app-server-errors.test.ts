import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import type { PublishResult } from '../../src/xmpp-server/publisher.js';
import { Harness, chat, enableIq } from './harness.js';
import { eventually } from '../support/eventually.js';

const ROMEO = 'romeo@example.com';
const refuse = (type: 'cancel' | 'wait', condition: 'item-not-found' | 'resource-constraint'): PublishResult => ({
  ok: false,
  error: new StanzaError(condition, type),
});

describe('App Server answers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness({ xmppServer: { publish_timeout_ms: 50 } });
    await h.enable(ROMEO, 'push.example.net', 'dead', { service: 'apns', device_id: 'OLD' });
    await h.enable(ROMEO, 'push.example.net', 'alive', { service: 'fcm', device_id: 'OK' });
  });
  afterEach(() => h.dispose());

  test('a cancel error disables that registration and later messages are not published to it', async () => {
    h.publisher.answer = (p) => (p.node === 'dead' ? refuse('cancel', 'item-not-found') : { ok: true });
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await eventually(() => h.role.stats.registrationsDisabled === 1, 'the registration to be disabled', 3_000);
    assert.deepEqual(
      (await h.role.registrations(ROMEO)).map((r) => r.node),
      ['alive'],
    );
    h.publisher.publishes.length = 0;
    h.role.onMessage(chat(ROMEO, 'two', 'm2'));
    await h.role.whenIdle();
    assert.deepEqual(
      h.publisher.publishes.map((p) => p.node),
      ['alive'],
    );
  });

  test('a wait error keeps the registration', async () => {
    h.publisher.answer = () => refuse('wait', 'resource-constraint');
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await eventually(() => h.role.stats.publishesFailed === 2, 'both publishes to fail', 3_000);
    h.publisher.answer = () => ({ ok: true });
    h.role.onMessage(chat(ROMEO, 'two', 'm2'));
    await h.publisher.waitForPublishes(4);
    assert.equal((await h.role.registrations(ROMEO)).length, 2);
    assert.equal(h.role.stats.registrationsDisabled, 0);
  });

  test('an App Server that does not answer in time counts as wait and keeps the registration', async () => {
    h.publisher.answer = () => new Promise<PublishResult>(() => {}); // never answers
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await eventually(() => h.role.stats.publishesFailed === 2, 'both publishes to time out', 3_000);
    assert.equal((await h.role.registrations(ROMEO)).length, 2);
  });

  test('a publisher that throws counts as wait and keeps the registration', async () => {
    h.publisher.answer = () => {
      throw new Error('boom');
    };
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await eventually(() => h.role.stats.publishesFailed === 2, 'both publishes to fail', 3_000);
    assert.equal((await h.role.registrations(ROMEO)).length, 2);
  });

  test('a cancel for a publish made before a re-enable keeps the re-enabled registration', async () => {
    let answer!: (r: PublishResult) => void;
    h.publisher.answer = (p) => (p.node === 'dead' ? new Promise((resolve) => (answer = resolve)) : { ok: true });
    h.role.onMessage(chat(ROMEO, 'one', 'm1'));
    await h.publisher.waitForPublishes(2);
    const before = Date.now();
    await eventually(() => Date.now() > before, 'the clock to move on, for a new createdAt');
    await h.enable(ROMEO, 'push.example.net', 'dead', { service: 'apns', device_id: 'NEW' });
    answer(refuse('cancel', 'item-not-found'));
    await eventually(() => h.role.stats.publishesFailed === 1, 'the refusal', 3_000);
    // An ask queued after the refusal completes only once the refusal was handled.
    await h.enable(ROMEO, 'push.example.net', 'barrier');
    const dead = (await h.role.registrations(ROMEO)).find((r) => r.node === 'dead');
    assert.deepEqual(dead?.publishOptions, { service: 'apns', device_id: 'NEW' });
    assert.equal(h.role.stats.registrationsDisabled, 0);
  });
});

test('an enable while the role is closing is refused as wait', async () => {
  const h = new Harness();
  try {
    const closed = h.role.close();
    const reply = await h.role.handleIq(enableIq(ROMEO, 'push.example.net', 'n'));
    assert.equal(reply.getChild('error')?.attrs.type, 'wait');
    await closed;
  } finally {
    await h.dispose();
  }
});
