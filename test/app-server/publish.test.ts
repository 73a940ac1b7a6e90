import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HeraldError } from '../../src/core/errors.js';
import { TRANSIENT_REASONS, type PushOutcome } from '../../src/push-service/notification.js';
import type { PushPublish } from '../../src/xmpp/push-publish.js';
import { affiliateIq, ask, createIq, errorOf, harnessForSuite, OWNER, prosodyPublishIq, publishIq, rejectionOf, SERVICE } from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN', topic: 'com.example.app', priority: 'high', sound: 'default' };

describe('publishing a notification to a push node', () => {
  const h = harnessForSuite({ nodes: ['n1'] });
  beforeEach(() => {
    h.dispatcher.sent.length = 0;
  });

  it("hands the mapped alert to the push service and answers a result", async () => {
    const reply = await ask(h.role, publishIq('n1', OPTIONS));
    assert.equal(reply.attrs.type, 'result');
    assert.equal(reply.attrs.id, 'p1');
    assert.deepEqual(h.dispatcher.sent, [
      {
        service: 'apns',
        device_id: 'TOKEN',
        mode: 'prod',
        topic: 'com.example.app',
        priority: 'high',
        alert: {
          title: 'juliet@capulet.example/balcony',
          body: 'Wherefore art thou, Romeo?',
          badge: 1,
          tag: 'juliet@capulet.example/balcony',
          sound: 'default',
        },
      },
    ]);
  });

  it('sends a silent push with the summary as data when publish-options say silent', async () => {
    await ask(h.role, publishIq('n1', { service: 'fcm', device_id: 'FCM1', silent: 'true' }));
    assert.deepEqual(h.dispatcher.sent, [
      {
        service: 'fcm',
        device_id: 'FCM1',
        mode: 'prod',
        data: { 'message-count': 1, 'last-message-sender': 'juliet@capulet.example/balcony', 'last-message-body': 'Wherefore art thou, Romeo?' },
      },
    ]);
  });

  it("turns Prosody's type='form' summary with empty fields into an alert with the default title", async () => {
    assert.equal((await ask(h.role, prosodyPublishIq('n1', 'example.com'))).attrs.type, 'result');
    assert.deepEqual(h.dispatcher.sent, [
      { service: 'apns', device_id: 'abc123', mode: 'prod', alert: { title: 'New message', body: 'New Message!', badge: 1 } },
    ]);
  });

  it('refuses a publish without usable publish-options with cancel/conflict and precondition-not-met, sending nothing', async () => {
    assert.equal(errorOf(await ask(h.role, publishIq('n1', undefined))), 'cancel/conflict+precondition-not-met');
    assert.equal(errorOf(await ask(h.role, publishIq('n1', { service: 'apns' }))), 'cancel/conflict+precondition-not-met');
    assert.equal(errorOf(await ask(h.role, publishIq('n1', { device_id: 'TOKEN' }))), 'cancel/conflict+precondition-not-met');
    assert.deepEqual(h.dispatcher.sent, []);
  });

  it('refuses publish-options the push service could never take with cancel/not-acceptable, sending nothing', async () => {
    assert.equal(errorOf(await ask(h.role, publishIq('n1', { service: 'wns', device_id: 'TOKEN' }))), 'cancel/not-acceptable');
    assert.equal(errorOf(await ask(h.role, publishIq('n1', { ...OPTIONS, mode: 'staging' }))), 'cancel/not-acceptable');
    assert.deepEqual(h.dispatcher.sent, []);
  });

  it('refuses an item whose first payload child is not a notification with modify/bad-request', async () => {
    const text = publishIq('n1', OPTIONS).replace('<item>', "<item><foo xmlns='urn:example'/>");
    assert.equal(errorOf(await ask(h.role, text)), 'modify/bad-request');
    assert.deepEqual(h.dispatcher.sent, []);
  });

  it('answers a publish to an unknown node with cancel/item-not-found', async () => {
    const actors = h.role.liveNodeActors;
    assert.equal(errorOf(await ask(h.role, publishIq('nowhere', OPTIONS))), 'cancel/item-not-found');
    assert.equal(h.role.liveNodeActors, actors, 'an unknown node spawns no actor');
  });

  it("accepts publishes from the owner and from the owner's server domain", async () => {
    assert.equal((await ask(h.role, publishIq('n1', OPTIONS, undefined, `${OWNER}/phone`))).attrs.type, 'result');
    assert.equal((await ask(h.role, publishIq('n1', OPTIONS, undefined, 'example.com'))).attrs.type, 'result');
    assert.equal(h.dispatcher.sent.length, 2);
  });

  it('answers a publisher that is neither owner, affiliate nor owner domain with auth/forbidden', async () => {
    for (const from of ['evil.example', 'bob@example.com', 'sub.example.com']) {
      assert.equal(errorOf(await ask(h.role, publishIq('n1', OPTIONS, undefined, from))), 'auth/forbidden', from);
    }
    assert.deepEqual(h.dispatcher.sent, []);
  });

  it('lets a publish-only affiliate publish until its affiliation is removed', async () => {
    await ask(h.role, createIq('shared'));
    await ask(h.role, affiliateIq('shared', 'push.other.example', 'publish-only'));
    assert.equal((await ask(h.role, publishIq('shared', OPTIONS, undefined, 'push.other.example'))).attrs.type, 'result');
    await ask(h.role, affiliateIq('shared', 'push.other.example', 'none'));
    assert.equal(errorOf(await ask(h.role, publishIq('shared', OPTIONS, undefined, 'push.other.example'))), 'auth/forbidden');
    assert.equal(h.dispatcher.sent.length, 1);
  });

  it('answers an unregistered device with cancel/not-acceptable and device-not-registered', async () => {
    h.dispatcher.answer({ ok: false, reason: 'unregistered', providerReason: 'Unregistered', status: 410 });
    assert.equal(errorOf(await ask(h.role, publishIq('n1', OPTIONS))), 'cancel/not-acceptable+device-not-registered');
  });

  it('answers every transient push failure with an error of type wait', async () => {
    for (const reason of TRANSIENT_REASONS) {
      h.dispatcher.answer({ ok: false, reason });
      const error = errorOf(await ask(h.role, publishIq('n1', OPTIONS)));
      assert.match(error, /^wait\//, `${reason} → ${error}`);
    }
  });

  it('answers a bad device token with cancel/not-acceptable and a too large payload with modify/not-acceptable', async () => {
    h.dispatcher.answer({ ok: false, reason: 'invalid_request', providerReason: 'BadDeviceToken' }, { ok: false, reason: 'payload_too_large' });
    assert.equal(errorOf(await ask(h.role, publishIq('n1', OPTIONS))), 'cancel/not-acceptable');
    assert.equal(errorOf(await ask(h.role, publishIq('n1', OPTIONS))), 'modify/not-acceptable');
  });

  it('answers a push service whose mailbox is full with wait/resource-constraint', async () => {
    h.dispatcher.answer({ throws: new HeraldError('HERALD_MAILBOX_FULL', 'sender-0') });
    assert.equal(errorOf(await ask(h.role, publishIq('n1', OPTIONS))), 'wait/resource-constraint');
  });

  it('answers a push service that throws unexpectedly with wait/internal-server-error, and keeps serving', async () => {
    h.dispatcher.answer({ throws: new TypeError('boom') });
    assert.equal(errorOf(await ask(h.role, publishIq('n1', OPTIONS))), 'wait/internal-server-error');
    assert.equal((await ask(h.role, publishIq('n1', OPTIONS))).attrs.type, 'result');
  });

  it('does not hold the next publish to a node behind the provider round-trip of the previous one', { timeout: 5_000 }, async () => {
    let release!: (o: PushOutcome) => void;
    h.dispatcher.answer(new Promise<PushOutcome>((resolve) => (release = resolve)));
    const first = ask(h.role, publishIq('n1', OPTIONS));
    const second = await ask(h.role, publishIq('n1', OPTIONS));
    assert.equal(second.attrs.type, 'result');
    release({ ok: false, reason: 'unregistered' });
    assert.equal(errorOf(await first), 'cancel/not-acceptable+device-not-registered');
  });

  it('produces the same notification through publishLocal as through handleIq', async () => {
    const viaIq = await ask(h.role, publishIq('n1', { ...OPTIONS, mutable_content: 'true', time_to_live: '60' }));
    assert.equal(viaIq.attrs.type, 'result');
    const local: PushPublish = {
      from: 'example.com',
      to: SERVICE,
      node: 'n1',
      summary: { 'message-count': 1, 'last-message-sender': 'juliet@capulet.example/balcony', 'last-message-body': 'Wherefore art thou, Romeo?' },
      publishOptions: { ...OPTIONS, mutable_content: 'true', time_to_live: '60' },
    };
    await h.role.publishLocal(local);
    assert.equal(h.dispatcher.sent.length, 2);
    assert.deepEqual(h.dispatcher.sent[1], h.dispatcher.sent[0]);
  });

  it('refuses through publishLocal what handleIq refuses, as thrown stanza errors', async () => {
    const base: PushPublish = { from: 'example.com', to: SERVICE, node: 'n1', summary: {}, publishOptions: { service: 'apns' } };
    assert.equal(await rejectionOf(h.role.publishLocal(base)), 'cancel/conflict+precondition-not-met');
    assert.equal(await rejectionOf(h.role.publishLocal({ ...base, node: 'nowhere' })), 'cancel/item-not-found');
    assert.equal(await rejectionOf(h.role.publishLocal({ ...base, from: 'evil.example' })), 'auth/forbidden');
    assert.equal(await rejectionOf(h.role.publishLocal({ ...base, from: 'not a jid@' })), 'modify/jid-malformed');
    h.dispatcher.answer({ ok: false, reason: 'unregistered' });
    assert.equal(
      await rejectionOf(h.role.publishLocal({ ...base, publishOptions: { service: 'fcm', device_id: 'x' } })),
      'cancel/not-acceptable+device-not-registered',
    );
  });
});

describe('a node actor under load', () => {
  const h = harnessForSuite({ config: { actors: { mailbox_capacity: 1 } }, nodes: ['busy'] });

  it('answers a publish beyond its mailbox capacity with wait/resource-constraint', async () => {
    const publish: PushPublish = {
      from: 'example.com',
      to: SERVICE,
      node: 'busy',
      summary: { 'last-message-body': 'hi' },
      publishOptions: { service: 'apns', device_id: 'TOKEN' },
    };
    // Both asks reach the actor in the same turn; the mailbox holds one.
    const results = await Promise.all([rejectionOf(h.role.publishLocal(publish)), rejectionOf(h.role.publishLocal(publish))]);
    assert.deepEqual(results, ['resolved', 'wait/resource-constraint']);
    assert.equal(h.dispatcher.sent.length, 1);
  });
});
