import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ask, createIq, errorOf, harnessForSuite, OWNER, publishIq, SERVICE } from './harness.js';
import { eventually } from '../support/eventually.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };

describe('push nodes across restarts', () => {
  const h = harnessForSuite();

  it('keeps nodes, owners and affiliations when the store and the role are reopened', async () => {
    await ask(h.role, createIq('durable'));
    await ask(
      h.role,
      `<iq type='set' id='a1' from='${OWNER}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><affiliations node='durable'><affiliation jid='push.other.example' affiliation='publish-only'/></affiliations></pubsub></iq>`,
    );
    await ask(h.role, createIq('deleted'));
    await ask(h.role, `<iq type='set' id='d1' from='${OWNER}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='deleted'/></pubsub></iq>`);
    const before = await h.role.node('durable');

    await h.restart();

    assert.deepEqual(await h.role.node('durable'), before);
    assert.equal(await h.role.node('deleted'), undefined);
    assert.equal((await ask(h.role, publishIq('durable', OPTIONS, undefined, 'push.other.example'))).attrs.type, 'result');
    assert.equal(errorOf(await ask(h.role, publishIq('durable', OPTIONS, undefined, 'evil.example'))), 'auth/forbidden');
    assert.equal(errorOf(await ask(h.role, createIq('durable'))), 'cancel/conflict');
    assert.equal(errorOf(await ask(h.role, publishIq('deleted', OPTIONS))), 'cancel/item-not-found');
  });

  it('answers wait/service-unavailable once closed', async () => {
    await h.role.close();
    assert.equal(errorOf(await ask(h.role, createIq('late'))), 'wait/service-unavailable');
    await h.restart();
  });
});

describe('node actor passivation', () => {
  const h = harnessForSuite({ config: { actors: { passivate_after_ms: 20 } } });

  it('stops an idle node actor and serves the next request from the store', async () => {
    await ask(h.role, createIq('sleepy'));
    assert.equal(h.role.liveNodeActors, 1);
    await eventually(() => h.role.liveNodeActors === 0, 'every node actor stopped', 2_000);
    assert.equal((await ask(h.role, publishIq('sleepy', OPTIONS))).attrs.type, 'result');
    assert.equal(h.dispatcher.sent.length, 1);
    assert.equal(errorOf(await ask(h.role, createIq('sleepy'))), 'cancel/conflict');
  });
});
