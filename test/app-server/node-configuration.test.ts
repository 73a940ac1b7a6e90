import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { NS } from '../../src/xmpp/namespaces.js';
import { ask, createIq, errorOf, harnessForSuite, OWNER, ownerIq, publishIq, SERVICE } from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };
const STRANGER = 'mallory@evil.example/laptop';

const configForm = (fields: Record<string, string>, type = 'submit', formType = 'http://jabber.org/protocol/pubsub#node_config') =>
  `<x xmlns='jabber:x:data' type='${type}'><field var='FORM_TYPE' type='hidden'><value>${formType}</value></field>` +
  Object.entries(fields)
    .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
    .join('') +
  '</x>';

const configureSet = (node: string, form: string, from = OWNER) => ownerIq(`<configure node='${node}'>${form}</configure>`, { from });

/** Field var → value of the form in a configure result. */
function formValues(reply: Element): Record<string, string | undefined> {
  const x = reply.getChild('pubsub', NS.PUBSUB_OWNER)?.getChild('configure')?.getChild('x', NS.DATA);
  const out: Record<string, string | undefined> = {};
  for (const f of x?.getChildren('field') ?? []) out[f.attrs.var as string] = f.getChildText('value') ?? undefined;
  return out;
}

describe('configuring a push node (XEP-0060 §8.2)', () => {
  const h = harnessForSuite({ nodes: ['cfg'] });

  it('gives the owner the node_config form with the current publish model and the fixed options', async () => {
    const reply = await ask(h.role, ownerIq(`<configure node='cfg'/>`, { type: 'get' }));
    assert.equal(reply.attrs.type, 'result');
    assert.equal(reply.getChild('pubsub', NS.PUBSUB_OWNER)?.getChild('configure')?.attrs.node, 'cfg');
    assert.equal(reply.getChild('pubsub', NS.PUBSUB_OWNER)?.getChild('configure')?.getChild('x', NS.DATA)?.attrs.type, 'form');
    assert.deepEqual(formValues(reply), {
      FORM_TYPE: NS.PUBSUB_NODE_CONFIG,
      'pubsub#publish_model': 'publishers',
      'pubsub#access_model': 'whitelist',
      'pubsub#persist_items': '0',
      'pubsub#max_items': '1',
    });
  });

  it('applies a submitted publish_model: open lets any publisher in, publishers closes the node again', async () => {
    assert.equal(errorOf(await ask(h.role, publishIq('cfg', OPTIONS, undefined, 'stranger.example'))), 'auth/forbidden');
    assert.equal((await ask(h.role, configureSet('cfg', configForm({ 'pubsub#publish_model': 'open' })))).attrs.type, 'result');
    assert.equal((await h.role.node('cfg'))?.publishModel, 'open');
    assert.equal((await ask(h.role, publishIq('cfg', OPTIONS, undefined, 'stranger.example'))).attrs.type, 'result');

    await ask(h.role, configureSet('cfg', configForm({ 'pubsub#publish_model': 'publishers' })));
    assert.equal(errorOf(await ask(h.role, publishIq('cfg', OPTIONS, undefined, 'stranger.example'))), 'auth/forbidden');
    assert.equal(formValues(await ask(h.role, ownerIq(`<configure node='cfg'/>`, { type: 'get' })))['pubsub#publish_model'], 'publishers');
  });

  it('accepts the fixed options repeated at their fixed values, as MongooseIM clients send them', async () => {
    const form = configForm({ 'pubsub#access_model': 'whitelist', 'pubsub#publish_model': 'publishers', 'pubsub#persist_items': 'false', 'pubsub#max_items': '1' });
    assert.equal((await ask(h.role, configureSet('cfg', form))).attrs.type, 'result');
  });

  it('keeps the configuration when the owner cancels the form', async () => {
    await ask(h.role, configureSet('cfg', configForm({ 'pubsub#publish_model': 'open' })));
    assert.equal((await ask(h.role, configureSet('cfg', `<x xmlns='jabber:x:data' type='cancel'/>`))).attrs.type, 'result');
    assert.equal((await h.role.node('cfg'))?.publishModel, 'open');
    await ask(h.role, configureSet('cfg', configForm({ 'pubsub#publish_model': 'publishers' })));
  });

  it('answers an unknown field, a value the node cannot take, or a change of a fixed option with modify/not-acceptable, changing nothing', async () => {
    const refused: Array<Record<string, string>> = [{ 'pubsub#title': 'Mine' }, { 'pubsub#publish_model': 'subscribers' }, { 'pubsub#access_model': 'open' }, { 'pubsub#max_items': '10' }];
    for (const fields of refused) {
      assert.equal(errorOf(await ask(h.role, configureSet('cfg', configForm(fields)))), 'modify/not-acceptable', JSON.stringify(fields));
    }
    const mixed = configForm({ 'pubsub#publish_model': 'open', 'pubsub#persist_items': '1' });
    assert.equal(errorOf(await ask(h.role, configureSet('cfg', mixed))), 'modify/not-acceptable');
    assert.equal((await h.role.node('cfg'))?.publishModel, 'publishers');
  });

  it('answers a form of another FORM_TYPE, of type form/result, or no form at all with modify/bad-request', async () => {
    const otherType = configForm({ 'pubsub#publish_model': 'open' }, 'submit', 'http://jabber.org/protocol/pubsub#publish-options');
    assert.equal(errorOf(await ask(h.role, configureSet('cfg', otherType))), 'modify/bad-request');
    assert.equal(errorOf(await ask(h.role, configureSet('cfg', configForm({}, 'result')))), 'modify/bad-request');
    assert.equal(errorOf(await ask(h.role, configureSet('cfg', ''))), 'modify/bad-request');
    assert.equal((await h.role.node('cfg'))?.publishModel, 'publishers');
  });

  it('answers anyone but the owner with auth/forbidden, for the form and for a submission', async () => {
    assert.equal(errorOf(await ask(h.role, ownerIq(`<configure node='cfg'/>`, { type: 'get', from: STRANGER }))), 'auth/forbidden');
    assert.equal(errorOf(await ask(h.role, configureSet('cfg', configForm({ 'pubsub#publish_model': 'open' }), STRANGER))), 'auth/forbidden');
    assert.equal((await h.role.node('cfg'))?.publishModel, 'publishers');
  });

  it('answers a configure of an unknown node with cancel/item-not-found, and one without a node with modify/bad-request and nodeid-required', async () => {
    assert.equal(errorOf(await ask(h.role, ownerIq(`<configure node='nowhere'/>`, { type: 'get' }))), 'cancel/item-not-found');
    assert.equal(errorOf(await ask(h.role, configureSet('nowhere', configForm({})))), 'cancel/item-not-found');
    assert.equal(errorOf(await ask(h.role, ownerIq(`<configure/>`, { type: 'get' }))), 'modify/bad-request+nodeid-required');
  });

  it('creates and configures a node in one request (XEP-0060 §8.1.3)', async () => {
    const text = createIq('made-open').replace('</pubsub>', `<configure>${configForm({ 'pubsub#access_model': 'whitelist', 'pubsub#publish_model': 'open' })}</configure></pubsub>`);
    assert.equal((await ask(h.role, text)).attrs.type, 'result');
    assert.equal((await h.role.node('made-open'))?.publishModel, 'open');
    const empty = createIq('made-default').replace('</pubsub>', '<configure/></pubsub>');
    assert.equal((await ask(h.role, empty)).attrs.type, 'result');
    assert.equal((await h.role.node('made-default'))?.publishModel, undefined, 'defaults: publishers');
  });

  it('refuses a create-and-configure the node cannot take without creating the node', async () => {
    const text = createIq('never').replace('</pubsub>', `<configure>${configForm({ 'pubsub#deliver_payloads': '1' })}</configure></pubsub>`);
    assert.equal(errorOf(await ask(h.role, text)), 'modify/not-acceptable');
    const form = createIq('never').replace('</pubsub>', `<configure>${configForm({}, 'form')}</configure></pubsub>`);
    assert.equal(errorOf(await ask(h.role, form)), 'modify/bad-request');
    assert.equal(await h.role.node('never'), undefined);
  });

  it('keeps the configuration across a restart', async () => {
    await ask(h.role, createIq('kept'));
    await ask(h.role, configureSet('kept', configForm({ 'pubsub#publish_model': 'open' })));
    await h.restart();
    assert.equal((await h.role.node('kept'))?.publishModel, 'open');
    assert.equal((await ask(h.role, publishIq('kept', OPTIONS, undefined, 'anyone.example'))).attrs.type, 'result');
  });

  it(`lists the configuration features in the service's disco#info`, async () => {
    const reply = await ask(h.role, `<iq type='get' id='i1' from='${OWNER}/phone' to='${SERVICE}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    const features = reply.getChild('query', NS.DISCO_INFO)?.getChildren('feature').map((f) => f.attrs.var) ?? [];
    for (const f of ['config-node', 'create-and-configure', 'publisher-affiliation', 'publish-only-affiliation']) {
      assert.ok(features.includes(`${NS.PUBSUB}#${f}`), f);
    }
    assert.ok(features.includes(NS.PUSH));
  });
});
