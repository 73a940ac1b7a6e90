import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '@xmpp/jid';
import { bareJid } from '../../src/xmpp/jid.js';

test('bareJid gives what @xmpp/jid bare() gives: case folded, XEP-0106 escapes kept, resource dropped', () => {
  const cases = ['Romeo@Example.COM/Orchard', 'a\\20b@x.org/r/s', 'x.org', 'x.org/res', 'h@x.org', "d'artagnan@x.org/r", 'a b@x.org/r', 'u@x.org/'];
  for (const text of cases) assert.equal(bareJid(text), parse(text).bare().toString(), text);
  assert.equal(bareJid('Romeo@Example.COM/Orchard'), 'romeo@example.com');
});
