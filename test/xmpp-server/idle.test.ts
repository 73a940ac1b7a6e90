/**
 * The XMPP Server role's quiescence hook: `idle` and `whenIdle()` say when nothing a message or a
 * push IQ started is still in flight, so that a test checks "nothing was pushed" after it instead
 * of after a fixed sleep.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import type { PublishResult } from '../../src/xmpp-server/publisher.js';
import { Harness, chat } from './harness.js';

const ROMEO = 'romeo@example.com';

let h: Harness;
beforeEach(async () => {
  h = new Harness();
  await h.enable(ROMEO, 'push.example.net', 'node-a', { service: 'apns', device_id: 'TOKEN-A' });
});
afterEach(() => h.dispose());

test('the role is idle with nothing in flight, and busy from the moment a message is offered', async () => {
  await h.role.whenIdle();
  assert.equal(h.role.idle, true);
  h.role.onMessage(chat(ROMEO, 'hello'));
  assert.equal(h.role.idle, false, 'the message waits in the user actor');
  await h.role.whenIdle();
  assert.equal(h.role.idle, true);
  assert.equal(h.role.stats.publishesOk, 1, 'idle once the publish was answered');
});

test('whenIdle() resolves only after the App Server answered the publish', async () => {
  const order: string[] = [];
  let answer!: () => void;
  h.publisher.answer = () =>
    new Promise<PublishResult>((resolve) => {
      answer = () => {
        order.push('answered');
        resolve({ ok: true });
      };
    });
  h.role.onMessage(chat(ROMEO, 'hello'));
  const idle = h.role.whenIdle().then(() => order.push('idle'));
  await h.publisher.waitForPublishes(1);
  answer();
  await idle;
  assert.deepEqual(order, ['answered', 'idle']);
});

test('whenIdle() also waits for what an answer starts: a cancel error disabling the registration', async () => {
  h.publisher.answer = () => ({ ok: false, error: new StanzaError('item-not-found', 'cancel') });
  h.role.onMessage(chat(ROMEO, 'hello'));
  await h.role.whenIdle();
  assert.equal(h.role.stats.registrationsDisabled, 1);
  assert.deepEqual(await h.role.registrations(ROMEO), []);
});
