import { test } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { isHeraldError } from '../../src/core/errors.js';
import { nextId, withHerald } from './harness.js';

test('a stanza over the size limit is refused before parsing', async () => {
  await withHerald({ xmpp: { max_stanza_bytes: 10_000 } }, async ({ herald }) => {
    const big = `<message to='alice@localhost' from='bob@localhost/x' type='chat'><body>${'x'.repeat(10_001)}</body></message>`;
    await assert.rejects(herald.handleStanza(big), (e: unknown) => isHeraldError(e, 'HERALD_STANZA_TOO_LARGE'));
  });
});

test('XML that is not well-formed is refused with HERALD_XML_MALFORMED', async () => {
  await withHerald({}, async ({ herald }) => {
    await assert.rejects(herald.handleStanza("<iq type='set'><enable"), (e: unknown) => isHeraldError(e, 'HERALD_XML_MALFORMED'));
    await assert.rejects(herald.handleStanza('<a></b>'), (e: unknown) => isHeraldError(e, 'HERALD_XML_MALFORMED'));
  });
});

test('an IQ for a service Herald does not offer gets service-unavailable', async () => {
  await withHerald({}, async ({ iq }) => {
    const reply = await iq(
      xml('iq', { type: 'get', id: nextId(), from: 'alice@localhost/a', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
    );
    assert.equal(reply.attrs.type, 'error');
    assert.ok(reply.getChild('error')?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  });
});

test('disco#info on the account lists urn:xmpp:push:0', async () => {
  await withHerald({}, async ({ iq }) => {
    const reply = await iq(
      xml('iq', { type: 'get', id: nextId(), from: 'alice@localhost/a', to: 'alice@localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })),
    );
    assert.equal(reply.attrs.type, 'result');
    const features = reply.getChild('query')!.getChildren('feature').map((f) => f.attrs.var);
    assert.ok(features.includes('urn:xmpp:push:0'));
  });
});

test('text holding two top-level elements is refused, not half-read', async () => {
  await withHerald({}, async ({ herald }) => {
    await assert.rejects(
      herald.handleStanza("<message to='a@localhost'/><message to='b@localhost'/>"),
      (e: unknown) => isHeraldError(e, 'HERALD_XML_MALFORMED'),
    );
  });
});
