import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '@xmpp/jid';
import { bareJid, isBareJidOf, parseJid } from '../../src/xmpp/jid.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';

test('bareJid gives what @xmpp/jid bare() gives: case folded, XEP-0106 escapes kept, resource dropped', () => {
  const cases = ['Romeo@Example.COM/Orchard', 'a\\20b@x.org/r/s', 'x.org', 'x.org/res', 'h@x.org', "d'artagnan@x.org/r", 'a b@x.org/r', 'u@x.org/'];
  for (const text of cases) assert.equal(bareJid(text), parse(text).bare().toString(), text);
  assert.equal(bareJid('Romeo@Example.COM/Orchard'), 'romeo@example.com');
});

test('plain JIDs and odd ones give the same bare JID as @xmpp/jid, or the same refusal', () => {
  const long = 'r'.repeat(400);
  const cases = [
    'user1@localhost/phone', 'user1@localhost', 'localhost', 'a.b-c_d@x-y.org/res/with/slashes', 'u@x.org/ ',
    `u@x.org/${long}`, `u@x.org/${'é'.repeat(600)}`, 'U@x.org/r', 'u@X.org', 'a\\40b@x.org/r', 'a\\5cb@x.org',
    'a@b@x.org/r', '@x.org/r', 'u@/r', 'u@x.org/', 'x.org/r', 'ü@x.org/r', `${'l'.repeat(1023)}@x.org`, `${'l'.repeat(1024)}@x.org`,
  ];
  for (const text of cases) {
    let expected: string | Error;
    try {
      expected = parseJid(text).bare().toString();
    } catch (e) {
      expected = e as Error;
    }
    if (expected instanceof Error) assert.throws(() => bareJid(text), StanzaError, text);
    else assert.equal(bareJid(text), expected, text);
  }
});

test('isBareJidOf: the user’s own bare JID in any case, never a full JID or another account', () => {
  assert.equal(isBareJidOf('romeo@example.com', 'romeo@example.com'), true);
  assert.equal(isBareJidOf('Romeo@Example.com', 'romeo@example.com'), true);
  assert.equal(isBareJidOf('romeo@example.com/phone', 'romeo@example.com'), false);
  assert.equal(isBareJidOf('juliet@example.com', 'romeo@example.com'), false);
  assert.equal(isBareJidOf('example.com', 'romeo@example.com'), false);
  assert.throws(() => isBareJidOf('a@b@', 'romeo@example.com'), StanzaError);
});
