import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStanza } from '../../src/xmpp/parse.js';
import { StanzaOverLimit } from '../../src/xmpp/stanza-limits.js';
import { XmlViolation } from '../../src/xmpp/xml-violation.js';

const LIMITS = { maxBytes: 65_536, maxDepth: 4 };

test('a stanza parses the same after a refused one, whatever the refusal left half read', () => {
  const good = '<iq type="set" id="1"><enable xmlns="urn:xmpp:push:0" jid="p" node="n"/></iq>';
  const refusals: Array<[string, new (...args: never[]) => Error]> = [
    ["<iq type='set'><a></iq>", XmlViolation],
    ["<iq type='set'><!-- c --></iq>", XmlViolation],
    ["<iq><a><b><c><d><e/></d></c></b></a></iq>", StanzaOverLimit],
    ["<iq><p:x/></iq>", XmlViolation],
    ["<iq type='set' id='", XmlViolation],
  ];
  for (const [bad, kind] of refusals) {
    assert.throws(() => parseStanza(bad, LIMITS), kind, bad);
    const element = parseStanza(good, LIMITS);
    assert.equal(element.toString(), good, `after ${bad}`);
  }
});

test('a prefix declared in one stanza is not in scope in the next', () => {
  const declared = parseStanza("<message xmlns:p='urn:p'><p:x/></message>", LIMITS);
  assert.deepEqual(declared.getChildElements().map((child) => child.name), ['p:x']);
  assert.throws(() => parseStanza('<message><p:x/></message>', LIMITS), XmlViolation);
});
