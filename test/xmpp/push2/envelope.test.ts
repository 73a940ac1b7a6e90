/** The XEP-0420 envelope of a pushed stanza: whole when it fits, trimmed to the bound keeping the archive id when not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Element } from '@xmpp/xml';
import { MAX_ENVELOPE_BYTES } from '../../../src/xmpp/push2/envelope-bound.js';
import { push2Envelope } from '../../../src/xmpp/push2/envelope.js';
import { parse } from './push2-fixtures.js';

const USER = 'juliet@capulet.example';
const STAMP = `<stanza-id xmlns='urn:xmpp:sid:0' by='${USER}' id='mam-7'/>`;
const message = (inner: string) => `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${USER}' type='chat' id='m1'>${inner}</message>`;
const forwardedIn = (envelope: Buffer): Element => {
  const read = parse(envelope.toString('utf8'));
  assert.equal(read.attrs.xmlns, 'urn:xmpp:sce:1');
  const forwarded = read.getChild('content')?.getChild('forwarded', 'urn:xmpp:forward:0');
  assert.ok(forwarded);
  return forwarded.getChild('message')!;
};

test('a stanza that fits is forwarded whole in jabber:client, with random padding', () => {
  const text = message(`<body>Art thou not Romeo?</body><active xmlns='http://jabber.org/protocol/chatstates'/>${STAMP}`);
  const envelope = push2Envelope(parse(text), { rpadOctets: 30 });
  assert.equal(forwardedIn(envelope).toString(), parse(text).toString());
  assert.equal(Buffer.from(parse(envelope.toString()).getChildText('rpad')!, 'base64').length, 30);
});

test('a stanza from a component stream is forwarded in jabber:client, and the caller\'s stanza is left as it was', () => {
  const stanza = parse(`<message xmlns='jabber:component:accept' from='a@b' to='${USER}'><body>hi</body></message>`);
  const before = stanza.toString();
  const forwarded = forwardedIn(push2Envelope(stanza, { archive: { by: USER, id: 'mam-9' } }));
  assert.equal(forwarded.attrs.xmlns, 'jabber:client');
  assert.equal(stanza.toString(), before);
});

test('the archive id the host gave is added when the stanza carries none, not twice', () => {
  const added = forwardedIn(push2Envelope(parse(message('<body>hi</body>')), { archive: { by: USER, id: 'mam-9' } }));
  assert.deepEqual(added.getChildren('stanza-id', 'urn:xmpp:sid:0').map((s) => s.attrs.id), ['mam-9']);
  const kept = forwardedIn(push2Envelope(parse(message(`<body>hi</body>${STAMP}`)), { archive: { by: USER, id: 'mam-9' } }));
  assert.deepEqual(kept.getChildren('stanza-id', 'urn:xmpp:sid:0').map((s) => s.attrs.id), ['mam-7']);
});

test('over the bound, elements a notification does not need go first; the body and archive id stay', () => {
  const bulk = `<x xmlns='urn:example:bulk'>${'b'.repeat(MAX_ENVELOPE_BYTES)}</x>`;
  const oob = `<x xmlns='jabber:x:oob'><url>https://files.example/a.jpg</url></x>`;
  const envelope = push2Envelope(parse(message(`<body>see this</body>${bulk}${oob}${STAMP}`)), { rpadOctets: 0 });
  assert.ok(envelope.length <= MAX_ENVELOPE_BYTES, `${envelope.length}`);
  const forwarded = forwardedIn(envelope);
  assert.equal(forwarded.getChild('x', 'urn:example:bulk'), undefined);
  assert.equal(forwarded.getChildText('body'), 'see this');
  assert.ok(forwarded.getChild('x', 'jabber:x:oob'));
  assert.equal(forwarded.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, 'mam-7');
});

test('a body too long is cut to fit with an ellipsis, never inside a surrogate pair, keeping the archive id', () => {
  const body = '🌹 & <rose> '.repeat(1_000);
  const envelope = push2Envelope(parse(message(`<body>${body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</body>${STAMP}`)), { rpadOctets: 0 });
  assert.ok(envelope.length <= MAX_ENVELOPE_BYTES, `${envelope.length}`);
  const forwarded = forwardedIn(envelope);
  const cut = forwarded.getChildText('body')!;
  assert.ok(cut.endsWith('…'));
  assert.ok(body.startsWith(cut.slice(0, -1)));
  assert.ok((cut as string & { isWellFormed(): boolean }).isWellFormed());
  assert.ok(cut.length > 1_000, 'the body keeps what fits');
  assert.equal(forwarded.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, 'mam-7');
});

test('when useful payloads alone are over the bound, only the body, the archive id and a call remain', () => {
  const omemo = `<encrypted xmlns='eu.siacs.conversations.axolotl'><payload>${'A'.repeat(MAX_ENVELOPE_BYTES)}</payload></encrypted>`;
  const call = `<propose xmlns='urn:xmpp:jingle-message:0' id='c1'/>`;
  const forwarded = forwardedIn(push2Envelope(parse(message(`<body>call me</body>${omemo}${call}${STAMP}`)), { rpadOctets: 0 }));
  assert.deepEqual(forwarded.getChildElements().map((c) => c.name), ['body', 'propose', 'stanza-id']);
});

test('over the bound, attributes RFC 6120 does not define go with the elements', () => {
  const text = `<message xmlns='jabber:client' from='romeo@montague.example/orchard' to='${USER}' type='chat' id='m1' junk='${'j'.repeat(MAX_ENVELOPE_BYTES)}'><body>hi</body>${STAMP}</message>`;
  const envelope = push2Envelope(parse(text), { rpadOctets: 0 });
  assert.ok(envelope.length <= MAX_ENVELOPE_BYTES, `${envelope.length}`);
  const forwarded = forwardedIn(envelope);
  assert.deepEqual(forwarded.attrs, { xmlns: 'jabber:client', from: 'romeo@montague.example/orchard', to: USER, type: 'chat', id: 'm1' });
  assert.equal(forwarded.getChildText('body'), 'hi');
});

test('padding never takes the envelope over the bound', () => {
  const body = 'x'.repeat(MAX_ENVELOPE_BYTES);
  const envelope = push2Envelope(parse(message(`<body>${body}</body>`)), { rpadOctets: 150 });
  assert.ok(envelope.length <= MAX_ENVELOPE_BYTES, `${envelope.length}`);
});
