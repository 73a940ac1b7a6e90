import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isHeraldError } from '../../src/core/errors.js';
import { parseStanza } from '../../src/xmpp/parse.js';
import { Harness, assertStanzaError, stanza } from './harness.js';

const PO = 'http://jabber.org/protocol/pubsub#publish-options';
const form = (type: string, formType: string, extra = "<field var='device_id'><value>T</value></field>") =>
  `<x xmlns='jabber:x:data' type='${type}'><field var='FORM_TYPE'><value>${formType}</value></field>${extra}</x>`;

/** [what is sent, the IQ, the error it is answered with as type/condition] */
const CASES: Array<[string, string, string]> = [
  ['an enable in an IQ of type get', `<iq type='get' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'/></iq>`, 'cancel/not-allowed'],
  ['an enable without jid', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' node='n'/></iq>`, 'modify/bad-request'],
  ['an enable with a malformed jid', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='a@b@c' node='n'/></iq>`, 'modify/jid-malformed'],
  ['an enable without node', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net'/></iq>`, 'modify/bad-request'],
  ['an enable whose form has another FORM_TYPE', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'>${form('submit', 'urn:example:other')}</enable></iq>`, 'modify/bad-request'],
  ['an enable whose form has no FORM_TYPE', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'><x xmlns='jabber:x:data' type='submit'><field var='device_id'><value>T</value></field></x></enable></iq>`, 'modify/bad-request'],
  ['an enable whose form is not of type submit', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'>${form('form', PO)}</enable></iq>`, 'modify/bad-request'],
  ['an enable whose form has a multi-valued field', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'>${form('submit', PO, "<field var='device_id'><value>A</value><value>B</value></field>")}</enable></iq>`, 'modify/bad-request'],
  ["an enable addressed to another user's JID", `<iq type='set' id='1' from='romeo@example.com/a' to='juliet@example.com'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'/></iq>`, 'cancel/not-allowed'],
  ["an enable addressed to the user's full JID", `<iq type='set' id='1' from='romeo@example.com/a' to='romeo@example.com/b'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'/></iq>`, 'cancel/not-allowed'],
  ['an enable without a sender', `<iq type='set' id='1'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'/></iq>`, 'modify/bad-request'],
  ['an IQ with two payload children', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'/><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='m'/></iq>`, 'modify/bad-request'],
  ['an enable whose node is too long to store', `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='${'n'.repeat(2_000)}'/></iq>`, 'modify/not-acceptable'],
  ['a disable in an IQ of type get', `<iq type='get' id='1' from='romeo@example.com/a'><disable xmlns='urn:xmpp:push:0' jid='push.example.net'/></iq>`, 'cancel/not-allowed'],
  ['a disable without jid', `<iq type='set' id='1' from='romeo@example.com/a'><disable xmlns='urn:xmpp:push:0' node='n'/></iq>`, 'modify/bad-request'],
  ['a disable with an empty node', `<iq type='set' id='1' from='romeo@example.com/a'><disable xmlns='urn:xmpp:push:0' jid='push.example.net' node=''/></iq>`, 'modify/bad-request'],
  ["a disable addressed to another user's JID", `<iq type='set' id='1' from='romeo@example.com/a' to='juliet@example.com'><disable xmlns='urn:xmpp:push:0' jid='push.example.net'/></iq>`, 'cancel/not-allowed'],
];

describe('refused enable and disable requests', () => {
  let h: Harness;
  before(() => {
    h = new Harness();
  });
  after(() => h.dispose());

  for (const [what, text, error] of CASES) {
    test(`${what} is ${error}`, async () => {
      const iq = stanza(text);
      const reply = await h.role.handleIq(iq);
      const [type, condition] = error.split('/') as [string, string];
      assertStanzaError(reply, type, condition);
      assert.equal(reply.attrs.id, '1');
      assert.equal(reply.attrs.to, iq.attrs.from);
      // Nothing was stored for the requester.
      if (iq.attrs.from) assert.equal((await h.role.registrations(iq.attrs.from as string)).length, 0);
    });
  }

  test("an enable addressed to the user's own bare JID is accepted", async () => {
    const reply = await h.role.handleIq(
      stanza(`<iq type='set' id='1' from='romeo@example.com/a' to='Romeo@Example.com'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='n'/></iq>`),
    );
    assert.equal(reply.attrs.type, 'result');
  });

  test('only IQ get/set with enable or disable count as push IQs', () => {
    assert.equal(h.role.isPushIq(stanza(`<iq type='set' id='1'><enable xmlns='urn:xmpp:push:0'/></iq>`)), true);
    assert.equal(h.role.isPushIq(stanza(`<iq type='get' id='1'><disable xmlns='urn:xmpp:push:0'/></iq>`)), true);
    assert.equal(h.role.isPushIq(stanza(`<iq type='result' id='1'><enable xmlns='urn:xmpp:push:0'/></iq>`)), false);
    assert.equal(h.role.isPushIq(stanza(`<iq type='set' id='1'><enable xmlns='urn:example'/></iq>`)), false);
    assert.equal(h.role.isPushIq(stanza(`<message><enable xmlns='urn:xmpp:push:0'/></message>`)), false);
  });

  test('any other IQ handed to the role is cancel/service-unavailable', async () => {
    const reply = await h.role.handleIq(stanza(`<iq type='get' id='1' from='romeo@example.com/a'><ping xmlns='urn:xmpp:ping'/></iq>`));
    assertStanzaError(reply, 'cancel', 'service-unavailable');
  });

  test('a stanza over the size limit is refused before parsing', () => {
    const big = `<iq type='set' id='1' from='romeo@example.com/a'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='${'n'.repeat(20_000)}'/></iq>`;
    assert.throws(
      () => parseStanza(big, h.config.xmpp.max_stanza_bytes / 4),
      (e: unknown) => isHeraldError(e, 'HERALD_STANZA_TOO_LARGE'),
    );
  });
});
