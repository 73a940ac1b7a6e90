import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePublishRequest } from '../../src/app-server/publish-request.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';
import { prosodyPublishIq, publishIq, SERVICE, stanza } from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };

function refusal(text: string): string {
  try {
    parsePublishRequest(stanza(text), SERVICE);
    return 'parsed';
  } catch (e) {
    assert.ok(e instanceof StanzaError, String(e));
    return e.appCondition ? `${e.type}/${e.condition}+${e.appCondition.name}` : `${e.type}/${e.condition}`;
  }
}

describe('parsing a notification publish', () => {
  it('reads the summary and publish-options of a MongooseIM-style publish', () => {
    const p = parsePublishRequest(stanza(publishIq('n1', { ...OPTIONS, silent: 'false' })), SERVICE);
    assert.deepEqual(p, {
      from: 'example.com',
      to: SERVICE,
      node: 'n1',
      summary: {
        'message-count': 1,
        'last-message-sender': 'juliet@capulet.example/balcony',
        'last-message-body': 'Wherefore art thou, Romeo?',
      },
      publishOptions: { service: 'apns', device_id: 'TOKEN', silent: 'false' },
    });
  });

  it("reads Prosody's type='form' summary and treats its empty fields as absent", () => {
    const p = parsePublishRequest(stanza(prosodyPublishIq('node1', 'localhost')), SERVICE);
    assert.deepEqual(p.summary, { 'message-count': 1, 'last-message-body': 'New Message!' });
    assert.deepEqual(p.publishOptions, { service: 'apns', device_id: 'abc123' });
    assert.equal(p.from, 'localhost');
  });

  it('accepts a notification without a summary form as an empty summary', () => {
    const text = publishIq('n1', OPTIONS).replace(/<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:push:summary.*?<\/x>/, '');
    assert.deepEqual(parsePublishRequest(stanza(text), SERVICE).summary, {});
  });

  it('drops a message-count that is not a number instead of refusing the push', () => {
    const p = parsePublishRequest(stanza(publishIq('n1', OPTIONS, { 'message-count': 'many', 'last-message-body': 'hi' })), SERVICE);
    assert.deepEqual(p.summary, { 'last-message-body': 'hi' });
  });

  it('uses the service JID when the IQ has no to', () => {
    const p = parsePublishRequest(stanza(publishIq('n1', OPTIONS).replace(` to='${SERVICE}'`, '')), 'pubsub.other');
    assert.equal(p.to, 'pubsub.other');
  });

  it('reads a publish without publish-options as empty options (the node decides whether it knows the device)', () => {
    assert.deepEqual(parsePublishRequest(stanza(publishIq('n1', undefined)), SERVICE).publishOptions, {});
  });

  it('leaves device_id and service to the node: a registered node needs only the secret', () => {
    assert.deepEqual(parsePublishRequest(stanza(publishIq('n1', { secret: 's3cr3t' })), SERVICE).publishOptions, { secret: 's3cr3t' });
  });

  it('refuses publish-options with a repeated field with modify/bad-request', () => {
    const text = publishIq('n1', OPTIONS).replace('</x></publish-options>', "<field var='service'><value>fcm</value></field></x></publish-options>");
    assert.equal(refusal(text), 'modify/bad-request');
  });

  it('refuses publish-options whose form is neither submit nor form with modify/bad-request', () => {
    const text = publishIq('n1', OPTIONS).replace("<publish-options><x xmlns='jabber:x:data' type='submit'>", "<publish-options><x xmlns='jabber:x:data' type='result'>");
    assert.equal(refusal(text), 'modify/bad-request');
  });

  it('refuses publish-options of another FORM_TYPE with modify/bad-request', () => {
    const text = publishIq('n1', OPTIONS).replace('pubsub#publish-options', 'pubsub#node_config');
    assert.equal(refusal(text), 'modify/bad-request');
  });

  it('refuses an item whose first payload child is not a push notification with modify/bad-request', () => {
    const text = publishIq('n1', OPTIONS).replace('<item>', "<item><entry xmlns='http://www.w3.org/2005/Atom'/>");
    assert.equal(refusal(text), 'modify/bad-request');
    assert.equal(refusal(publishIq('n1', OPTIONS).replace("xmlns='urn:xmpp:push:0'", "xmlns='urn:xmpp:push:1'")), 'modify/bad-request');
  });

  it('refuses a publish without an item, or with an empty item, with modify/bad-request', () => {
    const noItem = publishIq('n1', OPTIONS).replace(/<item>.*<\/item>/, '');
    assert.equal(refusal(noItem), 'modify/bad-request');
    const emptyItem = publishIq('n1', OPTIONS).replace(/<item>.*<\/item>/, '<item/>');
    assert.equal(refusal(emptyItem), 'modify/bad-request');
  });

  it('refuses a publish without a node with modify/bad-request and nodeid-required', () => {
    assert.equal(refusal(publishIq('n1', OPTIONS).replace(" node='n1'", '')), 'modify/bad-request+nodeid-required');
  });

  it('refuses a publish sent as an IQ get with cancel/bad-request', () => {
    assert.equal(refusal(publishIq('n1', OPTIONS).replace("type='set'", "type='get'")), 'cancel/bad-request');
  });
});
