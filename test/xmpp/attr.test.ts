import { test } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { attr } from '../../src/xmpp/attr.js';
import { parseStanza } from '../../src/xmpp/parse.js';

test('an attribute reads as its text: parsed strings as they are, numbers and booleans as ltx writes them', () => {
  const parsed = parseStanza("<iq type='set' id='a1'/>", 65_536);
  assert.equal(attr(parsed, 'id'), 'a1');
  const built = xml('iq', { id: 7, ok: true });
  assert.equal(attr(built, 'id'), '7');
  assert.equal(attr(built, 'ok'), 'true');
  assert.equal(built.toString(), '<iq id="7" ok="true"/>', 'the text ltx writes for them');
});

test('an absent attribute, one holding an object, or no element at all reads as absent', () => {
  const built = xml('iq', {});
  built.attrs.odd = { a: 1 }; // a host's element may hold anything
  assert.equal(attr(built, 'odd'), undefined);
  assert.equal(attr(built, 'missing'), undefined);
  assert.equal(attr(undefined, 'id'), undefined);
});
