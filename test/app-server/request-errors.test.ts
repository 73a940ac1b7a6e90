/**
 * The App Server's answers to malformed or misdirected requests, each with its exact type,
 * defined condition and application-specific condition (the other error paths are tested with
 * the behaviour they belong to).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PushNodeStore } from '../../src/app-server/node-store.js';
import { registrationNodeName } from '../../src/app-server/registration-commands.js';
import { parsePublishRequest } from '../../src/app-server/publish-request.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { ask, commandIq, createIq, errorOf, harnessForSuite, OWNER, ownerIq, publishIq, rejectionOf, SERVICE, stanza } from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };
const STRANGER = 'mallory@evil.example/laptop';
const disco = (ns: 'info' | 'items', node?: string, type = 'get') =>
  `<iq type='${type}' id='q1' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='http://jabber.org/protocol/disco#${ns}'${node === undefined ? '' : ` node='${node}'`}/></iq>`;

describe('answers to malformed requests', () => {
  const h = harnessForSuite({ nodes: ['n1'] });

  it('answers disco#info or disco#items sent as an IQ set with cancel/bad-request', async () => {
    assert.equal(errorOf(await ask(h.role, disco('info', undefined, 'set'))), 'cancel/bad-request');
    assert.equal(errorOf(await ask(h.role, disco('items', undefined, 'set'))), 'cancel/bad-request');
  });

  it('answers disco of a node that does not exist with cancel/item-not-found, and lists no node names', async () => {
    assert.equal(errorOf(await ask(h.role, disco('info', 'nowhere'))), 'cancel/item-not-found');
    assert.equal(errorOf(await ask(h.role, disco('items', 'nowhere'))), 'cancel/item-not-found');
    const items = await ask(h.role, disco('items'));
    assert.equal(items.attrs.type, 'result');
    assert.equal(items.getChild('query')?.getChildren('item').length, 0);
    assert.equal((await ask(h.role, disco('items', 'n1'))).getChild('query')?.getChildren('item').length, 0);
    assert.equal((await ask(h.role, disco('info', 'n1'))).getChild('query')?.getChild('identity')?.attrs.type, 'leaf');
  });

  it('answers an empty <pubsub/> with modify/bad-request', async () => {
    const text = `<iq type='set' id='e1' from='${OWNER}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub'/></iq>`;
    assert.equal(errorOf(await ask(h.role, text)), 'modify/bad-request');
    assert.equal(errorOf(await ask(h.role, ownerIq(''))), 'modify/bad-request');
  });

  it('answers a request without from with modify/bad-request', async () => {
    assert.equal(errorOf(await ask(h.role, createIq('orphan').replace(` from='${OWNER}/phone'`, ''))), 'modify/bad-request');
    assert.equal(errorOf(await ask(h.role, publishIq('n1', OPTIONS).replace(" from='example.com'", ''))), 'modify/bad-request');
    assert.equal(errorOf(await ask(h.role, commandIq('unregister-push').replace(` from='${OWNER}/phone'`, ''))), 'modify/bad-request');
  });

  it('answers a delete sent as an IQ get with cancel/bad-request', async () => {
    assert.equal(errorOf(await ask(h.role, ownerIq(`<delete node='n1'/>`, { type: 'get' }))), 'cancel/bad-request');
    assert.ok(await h.role.node('n1'));
  });

  it('answers owner requests push nodes do not serve with cancel/feature-not-implemented and the unsupported feature', async () => {
    const reply = await ask(h.role, ownerIq(`<purge node='n1'/>`));
    assert.equal(errorOf(reply), 'cancel/feature-not-implemented+unsupported');
    assert.equal(StanzaError.fromStanza(reply).appCondition?.name, 'unsupported');
    assert.equal(reply.getChild('error')?.getChild('unsupported')?.attrs.feature, 'purge-nodes');
    const items = await ask(h.role, `<iq type='get' id='i1' from='${OWNER}' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='n1'/></pubsub></iq>`);
    assert.equal(items.getChild('error')?.getChild('unsupported')?.attrs.feature, 'retrieve-items');
  });

  it('answers affiliations of an unknown node with cancel/item-not-found, and their retrieval by a stranger with auth/forbidden', async () => {
    assert.equal(errorOf(await ask(h.role, ownerIq(`<affiliations node='nowhere'/>`, { type: 'get' }))), 'cancel/item-not-found');
    assert.equal(errorOf(await ask(h.role, ownerIq(`<affiliations node='n1'/>`, { type: 'get', from: STRANGER }))), 'auth/forbidden');
  });

  it('answers an owner affiliation with cancel/not-acceptable, an unknown one with modify/bad-request, a bad JID with modify/jid-malformed', async () => {
    const set = (jid: string, affiliation: string) => ownerIq(`<affiliations node='n1'><affiliation jid='${jid}' affiliation='${affiliation}'/></affiliations>`);
    assert.equal(errorOf(await ask(h.role, set('bob@example.com', 'owner'))), 'cancel/not-acceptable');
    assert.equal(errorOf(await ask(h.role, set('bob@example.com', 'boss'))), 'modify/bad-request');
    assert.equal(errorOf(await ask(h.role, set('@@', 'publish-only'))), 'modify/jid-malformed');
    assert.deepEqual((await h.role.node('n1'))?.affiliations, { [OWNER]: 'owner' });
  });

  it('answers a node name longer than 1024 bytes with modify/bad-request', async () => {
    const long = 'n'.repeat(1_025);
    assert.equal(errorOf(await ask(h.role, createIq(long))), 'modify/bad-request');
    assert.equal(errorOf(await ask(h.role, publishIq(long, OPTIONS))), 'modify/bad-request');
  });

  it('answers a summary form of type result with modify/bad-request', async () => {
    const text = publishIq('n1', OPTIONS).replace("<notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='submit'>", "<notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='result'>");
    assert.equal(errorOf(await ask(h.role, text)), 'modify/bad-request');
  });

  it('refuses through publishLocal a publish that names no node with modify/bad-request and nodeid-required', async () => {
    const local = h.role.publishLocal({ from: 'example.com', to: SERVICE, node: '', summary: {}, publishOptions: OPTIONS });
    assert.equal(await rejectionOf(local), 'modify/bad-request+nodeid-required');
  });

  it('answers a command form that cannot be read, or an unregister form that is not a submission, with modify/bad-request and bad-payload', async () => {
    const repeated = commandIq('register-push-apns', { fields: { token: 'ab' } }).replace('</x>', "<field var='token'><value>cd</value></field></x>");
    assert.equal(errorOf(await ask(h.role, repeated)), 'modify/bad-request+bad-payload');
    assert.equal(errorOf(await ask(h.role, commandIq('unregister-push', { fields: { node: 'n1' }, formType: 'form' }))), 'modify/bad-request+bad-payload');
  });

  it('answers a registration whose node someone else already holds with cancel/conflict', async () => {
    const key = await new PushNodeStore(h.store).registrationKey();
    const squatted = registrationNodeName(key, 'bob@example.com', 'bobs-phone');
    await ask(h.role, createIq(squatted, STRANGER));
    const reply = await ask(h.role, commandIq('register-push-fcm', { from: 'bob@example.com/p', fields: { token: 'tok', 'device-id': 'bobs-phone' } }));
    assert.equal(errorOf(reply), 'cancel/conflict');
    assert.equal((await h.role.node(squatted))?.owner, 'mallory@evil.example');
  });
});

describe('parsing requests that routing never hands over', () => {
  const parse = (text: string) => {
    try {
      parsePublishRequest(stanza(text), SERVICE);
      return 'parsed';
    } catch (e) {
      return e instanceof StanzaError ? `${e.type}/${e.condition}` : String(e);
    }
  };

  it('refuses a publish outside the pubsub namespace or without <publish/> with modify/bad-request', () => {
    assert.equal(parse(publishIq('n1', OPTIONS).replace("xmlns='http://jabber.org/protocol/pubsub'", "xmlns='http://jabber.org/protocol/pubsub#owner'")), 'modify/bad-request');
    assert.equal(parse(`<iq type='set' id='x' from='example.com'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='x'/></pubsub></iq>`), 'modify/bad-request');
  });
});
