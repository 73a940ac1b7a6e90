import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NS } from '../../src/xmpp/namespaces.js';
import { forSuite } from '../support/for-suite.js';
import { ask, createIq, errorOf, OWNER, SERVICE, stanza } from './harness.js';
import { ROLE_ON_EACH_STORE } from './shared-store-harness.js';

const STRANGER = 'mallory@evil.example/laptop';

const deleteIq = (node: string, from: string) =>
  `<iq type='set' id='d1' from='${from}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='${node}'/></pubsub></iq>`;

const affiliationsIq = (node: string, from: string, entries: Array<[string, string]>, type = 'set') =>
  `<iq type='${type}' id='a1' from='${from}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><affiliations node='${node}'>` +
  entries.map(([jid, aff]) => `<affiliation jid='${jid}' affiliation='${aff}'/>`).join('') +
  `</affiliations></pubsub></iq>`;

for (const [store, start] of ROLE_ON_EACH_STORE) describe(`managing push nodes (${store})`, () => {
  const h = forSuite(start);

  it("creates a node of type push, owned by the creator's bare JID, and answers a result", async () => {
    const reply = await ask(h.role, createIq('explicit', `${OWNER}/phone`, 'push'));
    assert.equal(reply.attrs.type, 'result');
    assert.equal(reply.attrs.id, 'c1');
    assert.equal(reply.attrs.to, `${OWNER}/phone`);
    const node = await h.role.node('explicit');
    assert.equal(node?.owner, OWNER);
    assert.equal(node?.type, 'push');
    assert.deepEqual(node?.affiliations, { [OWNER]: 'owner' });
    assert.ok(typeof node?.createdAt === 'number' && node.createdAt > 0);
  });

  it('creates a push node when the create names no type', async () => {
    assert.equal((await ask(h.role, createIq('default-type'))).attrs.type, 'result');
    assert.equal((await h.role.node('default-type'))?.type, 'push');
  });

  it('answers the creation of an existing node with cancel/conflict and keeps its owner', async () => {
    await ask(h.role, createIq('taken'));
    assert.equal(errorOf(await ask(h.role, createIq('taken', STRANGER))), 'cancel/conflict');
    assert.equal((await h.role.node('taken'))?.owner, OWNER);
  });

  it('refuses to create a node of another type with feature-not-implemented', async () => {
    const reply = await ask(h.role, createIq('leafy', `${OWNER}/phone`, 'leaf'));
    assert.equal(errorOf(reply), 'cancel/feature-not-implemented+unsupported');
    assert.equal(reply.getChild('error')?.getChild('unsupported', NS.PUBSUB_ERRORS)?.attrs.feature, 'create-nodes');
    assert.equal(await h.role.node('leafy'), undefined);
  });

  it('creates an instant node when the create names none and returns its name', async () => {
    const reply = await ask(h.role, createIq(undefined));
    assert.equal(reply.attrs.type, 'result');
    const name = reply.getChild('pubsub', NS.PUBSUB)?.getChild('create')?.attrs.node as string;
    assert.ok(name && name.length >= 16, reply.toString());
    assert.equal((await h.role.node(name))?.owner, OWNER);
  });

  it('lets the owner delete the node', async () => {
    await ask(h.role, createIq('doomed'));
    assert.equal((await ask(h.role, deleteIq('doomed', `${OWNER}/tablet`))).attrs.type, 'result');
    assert.equal(await h.role.node('doomed'), undefined);
  });

  it('answers a delete by anyone else with auth/forbidden and keeps the node', async () => {
    await ask(h.role, createIq('guarded'));
    assert.equal(errorOf(await ask(h.role, deleteIq('guarded', STRANGER))), 'auth/forbidden');
    assert.ok(await h.role.node('guarded'));
  });

  it('answers a delete of an unknown node with cancel/item-not-found', async () => {
    assert.equal(errorOf(await ask(h.role, deleteIq('never-created', `${OWNER}/phone`))), 'cancel/item-not-found');
  });

  it('answers a delete without a node with modify/bad-request and nodeid-required', async () => {
    const text = deleteIq('x', OWNER).replace(" node='x'", '');
    assert.equal(errorOf(await ask(h.role, text)), 'modify/bad-request+nodeid-required');
  });

  it('lets the owner grant and remove the publish-only affiliation', async () => {
    await ask(h.role, createIq('shared'));
    const grant = await ask(h.role, affiliationsIq('shared', OWNER, [['Pusher@Example.net/res', 'publish-only']]));
    assert.equal(grant.attrs.type, 'result');
    assert.deepEqual((await h.role.node('shared'))?.affiliations, { [OWNER]: 'owner', 'pusher@example.net': 'publish-only' });

    const list = await ask(h.role, affiliationsIq('shared', OWNER, [], 'get'));
    const entries = list.getChild('pubsub', NS.PUBSUB_OWNER)?.getChild('affiliations')?.getChildren('affiliation') ?? [];
    assert.deepEqual(
      entries.map((e) => [e.attrs.jid, e.attrs.affiliation]),
      [[OWNER, 'owner'], ['pusher@example.net', 'publish-only']],
    );

    await ask(h.role, affiliationsIq('shared', OWNER, [['pusher@example.net', 'none']]));
    assert.deepEqual((await h.role.node('shared'))?.affiliations, { [OWNER]: 'owner' });
  });

  it('answers affiliation changes by anyone but the owner with auth/forbidden', async () => {
    await ask(h.role, createIq('closed'));
    const reply = await ask(h.role, affiliationsIq('closed', STRANGER, [['mallory@evil.example', 'publish-only']]));
    assert.equal(errorOf(reply), 'auth/forbidden');
    assert.deepEqual((await h.role.node('closed'))?.affiliations, { [OWNER]: 'owner' });
  });

  it('refuses affiliations push nodes do not have, changing nothing', async () => {
    await ask(h.role, createIq('strict'));
    const member = await ask(h.role, affiliationsIq('strict', OWNER, [['a@b.example', 'publish-only'], ['c@d.example', 'member']]));
    assert.equal(errorOf(member), 'cancel/feature-not-implemented+unsupported');
    const self = await ask(h.role, affiliationsIq('strict', OWNER, [[OWNER, 'none']]));
    assert.equal(errorOf(self), 'cancel/not-acceptable');
    assert.deepEqual((await h.role.node('strict'))?.affiliations, { [OWNER]: 'owner' });
  });

  it('describes itself in disco#info as a pubsub/push service', async () => {
    const reply = await ask(h.role, `<iq type='get' id='i1' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    const query = reply.getChild('query', NS.DISCO_INFO);
    assert.deepEqual(query?.getChild('identity')?.attrs, { category: 'pubsub', type: 'push' });
    const features = query?.getChildren('feature').map((f) => f.attrs.var) ?? [];
    for (const f of [NS.PUBSUB, `${NS.PUBSUB}#publish`, `${NS.PUBSUB}#create-nodes`, `${NS.PUBSUB}#publish-only-affiliation`]) {
      assert.ok(features.includes(f), f);
    }
  });

  it('answers other pubsub requests with cancel/feature-not-implemented', async () => {
    const reply = await ask(h.role, `<iq type='set' id='s1' from='${OWNER}/phone' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='explicit' jid='${OWNER}'/></pubsub></iq>`);
    assert.equal(errorOf(reply), 'cancel/feature-not-implemented+unsupported');
  });

  it('answers a namespace it does not serve with cancel/service-unavailable', async () => {
    const reply = await ask(h.role, `<iq type='get' id='v1' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='jabber:iq:version'/></iq>`);
    assert.equal(errorOf(reply), 'cancel/service-unavailable');
  });

  it('answers a create sent as an IQ get with cancel/bad-request', async () => {
    assert.equal(errorOf(await ask(h.role, createIq('by-get').replace("type='set'", "type='get'"))), 'cancel/bad-request');
    assert.equal(await h.role.node('by-get'), undefined);
  });

  it('answers an IQ with two payloads with modify/bad-request', async () => {
    const text = createIq('two').replace('</pubsub>', "</pubsub><query xmlns='http://jabber.org/protocol/disco#info'/>");
    assert.equal(errorOf(await ask(h.role, text)), 'modify/bad-request');
  });

  it('does not answer IQ results or errors', async () => {
    assert.equal(await h.role.handleIq(stanza(`<iq type='result' id='r1' from='${OWNER}' to='${SERVICE}'/>`)), undefined);
  });
});
