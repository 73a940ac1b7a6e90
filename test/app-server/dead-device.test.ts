import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PushOutcome } from '../../src/push-service/notification.js';
import { NS } from '../../src/xmpp/namespaces.js';
import { affiliateIq, ask, createIq, errorOf, harnessForSuite, OWNER, ownerIq, publishIq, registerDevice, SERVICE, startHarness } from './harness.js';

/** The affiliation notice is routed on the turn after the publish's reply. */
const afterTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };
const DEAD: PushOutcome = { ok: false, reason: 'unregistered', providerReason: 'Unregistered', status: 410 };

describe('a publish to a dead device', () => {
  const h = harnessForSuite();
  beforeEach(() => {
    h.routed.length = 0;
  });

  it("answers cancel/not-acceptable + device-not-registered, ends the publisher's publish-only affiliation and tells the owner (XEP-0357 §8)", async () => {
    await ask(h.role, createIq('gone'));
    await ask(h.role, affiliateIq('gone', 'example.com', 'publish-only'));
    h.dispatcher.answer(DEAD);

    const reply = await ask(h.role, publishIq('gone', OPTIONS, undefined, 'example.com'));
    assert.equal(errorOf(reply), 'cancel/not-acceptable+device-not-registered');
    const appCondition = reply.getChild('error')?.getChild('device-not-registered', NS.PUBSUB_ERRORS);
    assert.ok(appCondition, reply.toString());

    assert.deepEqual((await h.role.node('gone'))?.affiliations, { [OWNER]: 'owner' }, "the owner's affiliation stays");
    await afterTurn(); // the notice follows the error reply
    assert.equal(h.routed.length, 1);
    assert.equal(
      h.routed[0]!.toString(),
      `<message from="${SERVICE}" to="${OWNER}" type="headline"><pubsub xmlns="http://jabber.org/protocol/pubsub" node="gone"><affiliation jid="example.com" affiliation="none"/></pubsub></message>`,
    );
  });

  it('then refuses that publisher where only its affiliation let it publish', async () => {
    const h2 = await startHarness({ app_server: { publish_authorization: ['affiliation'] } });
    try {
      await ask(h2.role, createIq('gone'));
      await ask(h2.role, affiliateIq('gone', 'example.com', 'publish-only'));
      h2.dispatcher.answer(DEAD);
      assert.equal(errorOf(await ask(h2.role, publishIq('gone', OPTIONS, undefined, 'example.com'))), 'cancel/not-acceptable+device-not-registered');
      assert.equal(errorOf(await ask(h2.role, publishIq('gone', OPTIONS, undefined, 'example.com'))), 'auth/forbidden');
      assert.equal(h2.dispatcher.sent.length, 1);
    } finally {
      await h2.close();
    }
  });

  it('notifies the owner even when the publisher held no affiliation (authorised as the owner\'s server)', async () => {
    await ask(h.role, createIq('by-server'));
    h.dispatcher.answer(DEAD);
    assert.equal(errorOf(await ask(h.role, publishIq('by-server', OPTIONS, undefined, 'example.com'))), 'cancel/not-acceptable+device-not-registered');
    await afterTurn(); // the notice follows the error reply
    assert.equal(h.routed.length, 1);
    assert.equal(h.routed[0]!.attrs.to, OWNER);
    assert.equal(h.routed[0]!.getChild('pubsub', NS.PUBSUB)?.getChild('affiliation')?.attrs.jid, 'example.com');
  });

  it("ends the publish-only affiliation a register command gave the requester's server", async () => {
    const { node } = await registerDevice(h.role, { token: 'ab'.repeat(32), 'device-id': 'dead-1' });
    assert.equal((await h.role.node(node))?.affiliations['example.com'], 'publish-only');
    h.dispatcher.answer(DEAD);
    assert.equal(errorOf(await ask(h.role, publishIq(node, {}, { 'last-message-body': 'x' }, 'example.com'))), 'cancel/not-acceptable+device-not-registered');
    assert.equal((await h.role.node(node))?.affiliations['example.com'], undefined);
    await afterTurn(); // the notice follows the error reply
    assert.equal(h.routed[0]!.getChild('pubsub', NS.PUBSUB)?.attrs.node, node);
  });

  it('does the same for the in-process publishes of the XMPP Server role', async () => {
    await ask(h.role, createIq('local'));
    await ask(h.role, affiliateIq('local', 'example.com', 'publish-only'));
    h.dispatcher.answer(DEAD);
    await assert.rejects(
      h.role.publishLocal({ from: 'example.com', to: SERVICE, node: 'local', summary: {}, publishOptions: OPTIONS }),
      (e: unknown) => (e as { appCondition?: { name: string } }).appCondition?.name === 'device-not-registered',
    );
    assert.deepEqual((await h.role.node('local'))?.affiliations, { [OWNER]: 'owner' });
    await afterTurn(); // the notice follows the error reply
    assert.equal(h.routed.length, 1);
  });

  it('sends no notice for other failures', async () => {
    await ask(h.role, createIq('flaky'));
    h.dispatcher.answer({ ok: false, reason: 'service_internal' }, { ok: false, reason: 'invalid_request', providerReason: 'BadDeviceToken' });
    assert.equal(errorOf(await ask(h.role, publishIq('flaky', OPTIONS))), 'wait/internal-server-error');
    assert.equal(errorOf(await ask(h.role, publishIq('flaky', OPTIONS))), 'cancel/not-acceptable');
    await afterTurn(); // the notice follows the error reply
    assert.equal(h.routed.length, 0);
  });

  it('sends no notice when the node was deleted while the push was on its way', async () => {
    await ask(h.role, createIq('short-lived'));
    let settle!: (o: PushOutcome) => void;
    h.dispatcher.answer(new Promise<PushOutcome>((resolve) => (settle = resolve)));
    const pending = ask(h.role, publishIq('short-lived', OPTIONS));
    await ask(h.role, ownerIq(`<delete node='short-lived'/>`));
    settle(DEAD);
    assert.equal(errorOf(await pending), 'cancel/not-acceptable+device-not-registered');
    await afterTurn(); // the notice follows the error reply
    assert.equal(h.routed.length, 0);
  });
});

describe('a node actor evicted by the live cap while its push is in flight', () => {
  it('still ends the publisher affiliation and tells the owner when the device turns out dead', async () => {
    const h = await startHarness({ actors: { max_live_actors: 1 } });
    try {
      await ask(h.role, createIq('evicted'));
      await ask(h.role, affiliateIq('evicted', 'example.com', 'publish-only'));
      let answer!: (outcome: PushOutcome) => void;
      h.dispatcher.answer(new Promise<PushOutcome>((resolve) => (answer = resolve)));
      const pending = ask(h.role, publishIq('evicted', OPTIONS, undefined, 'example.com'));
      await new Promise<void>((resolve) => {
        const check = (): void => (h.dispatcher.sent.length === 1 ? resolve() : void setImmediate(check));
        check();
      });
      // Another node takes the only live slot; the first node's actor is idle (its push is not
      // awaited inside it) and is stopped.
      await ask(h.role, createIq('other'));
      assert.equal(h.role.liveNodeActors, 1);
      answer(DEAD);
      assert.equal(errorOf(await pending), 'cancel/not-acceptable+device-not-registered');
      assert.deepEqual((await h.role.node('evicted'))?.affiliations, { [OWNER]: 'owner' });
      await afterTurn(); // the notice follows the error reply
      assert.equal(h.routed.at(-1)?.getChild('pubsub', NS.PUBSUB)?.attrs.node, 'evicted');
    } finally {
      await h.close();
    }
  });
});
