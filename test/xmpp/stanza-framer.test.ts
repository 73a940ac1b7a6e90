/**
 * The component stream framed into stanza texts (StanzaFramer), fed the way TCP delivers: split
 * at every byte. Each stanza comes out as the exact text it had on the stream, and the framer
 * together with the strict parse of each text (what a shard runs) refuses what StreamParser
 * refuses, with the same condition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStanza } from '../../src/xmpp/parse.js';
import { StanzaFramer } from '../../src/xmpp/stanza-framer.js';
import type { StanzaOverLimit } from '../../src/xmpp/stanza-limits.js';
import type { StreamLimits } from '../../src/xmpp/stream-parser.js';
import type { XmlViolation } from '../../src/xmpp/xml-violation.js';

const LIMITS: StreamLimits = { maxBytes: 65_536, maxDepth: 32, cutoffBytes: 1_048_576 };
const HEADER = "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='s1'>";
/** Two-, three- and four-byte characters, CR LF, a CDATA section holding tags, '>' and quotes in values. */
const STANZA =
  `<iq type='set' id='é1' to='push.localhost' q="it's" g='a>b' d='"'>\r\n<pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
  `<publish node='n€'><item v='𝄞\r\n'>é€𝄞&amp;&#x1F600;<![CDATA[<x>]]]]>\r</item><empty/><e a = "1" /></publish></pubsub></iq>`;
const STANZA_BYTES = Buffer.byteLength(STANZA);

interface Framed {
  texts: string[];
  refused: StanzaOverLimit[];
  errors: XmlViolation[];
  ended: boolean;
}

function frame(chunks: Array<Buffer | string>, limits: Partial<StreamLimits> = {}): Framed {
  const framer = new StanzaFramer({ ...LIMITS, ...limits });
  const out: Framed = { texts: [], refused: [], errors: [], ended: false };
  framer.on('stanza', (text) => out.texts.push(text));
  framer.on('over-limit', (refusal) => out.refused.push(refusal));
  framer.on('error', (error) => out.errors.push(error));
  framer.on('end', () => (out.ended = true));
  for (const chunk of chunks) framer.write(chunk);
  return out;
}

const splitAt = (bytes: Buffer, at: number): Buffer[] => [bytes.subarray(0, at), bytes.subarray(at)];
const conditions = (errors: XmlViolation[]): string[] => errors.map((e) => e.condition);

test('each stanza comes out as its exact text, whitespace keepalives between stanzas skipped', () => {
  const out = frame([HEADER + ' \n' + STANZA + '\t<presence/>\r\n <message to="a@b"><body>x &gt; y</body></message> </stream:stream>']);
  assert.deepEqual(out.texts, [STANZA, '<presence/>', '<message to="a@b"><body>x &gt; y</body></message>']);
  assert.deepEqual([out.errors, out.refused, out.ended], [[], [], true]);
});

test('a stream cut in two at every byte offset frames the same as whole, multi-byte characters and CR LF included', () => {
  const bytes = Buffer.from(HEADER + STANZA + ' ' + STANZA + '<presence/></stream:stream>');
  const whole = frame([bytes]);
  assert.deepEqual(whole.texts, [STANZA, STANZA, '<presence/>']);
  for (let at = 1; at < bytes.length; at++) {
    assert.deepEqual(frame(splitAt(bytes, at)), whole, `split at byte ${at}`);
  }
});

test('a stream fed one byte at a time frames the same as whole', () => {
  const bytes = Buffer.from(HEADER + STANZA + '\n' + STANZA);
  assert.deepEqual(frame([...bytes].map((b) => Buffer.from([b]))).texts, [STANZA, STANZA]);
});

test('every framed text reads alone as the stream parser reads it inside the stream', () => {
  const [text] = frame([HEADER + STANZA]).texts;
  const element = parseStanza(text!, LIMITS);
  assert.equal(element.getChild('pubsub')?.getChild('publish')?.getChild('item')?.getText(), 'é€𝄞&😀<x>]]\n');
  assert.equal(element.attrs.g, 'a>b');
});

test('max_stanza_bytes counts UTF-8 bytes from < to >, wherever the stanza is cut; the head is kept to answer an IQ', () => {
  const bytes = Buffer.from(HEADER + ' \n' + STANZA + '\n ' + STANZA);
  for (let at = 1; at < bytes.length; at++) {
    const exact = frame(splitAt(bytes, at), { maxBytes: STANZA_BYTES });
    assert.equal(exact.texts.length, 2, `at the limit, split at ${at}`);
    const over = frame(splitAt(bytes, at), { maxBytes: STANZA_BYTES - 1 });
    assert.deepEqual([over.texts.length, over.refused.length], [0, 2], `one byte over, split at ${at}`);
    assert.deepEqual([over.refused[0]!.limit, over.refused[0]!.head?.attrs.id, over.refused[0]!.head?.attrs.g], ['bytes', 'é1', 'a>b']);
  }
});

test('a stanza whose start tag alone is over max_stanza_bytes is refused without a head, and the next is framed', () => {
  const out = frame([HEADER + `<iq id='${'x'.repeat(200)}'/><iq id='next'/>`], { maxBytes: 100 });
  assert.deepEqual(out.refused.map((r) => [r.limit, r.head]), [['bytes', undefined]]);
  assert.deepEqual(out.texts, ["<iq id='next'/>"]);
});

test('a stanza over max_stanza_depth is skipped to its end (self-closing elements count) and the next one is framed', () => {
  const deep = `<iq type='get' id='deep'>${'<a>'.repeat(31)}<b/>${'</a>'.repeat(31)}</iq>`;
  const deeper = `<iq type='get' id='deeper'>${'<a>'.repeat(32)}<b/>${'</a>'.repeat(32)}</iq>`;
  const out = frame([HEADER + deep + deeper + "<iq id='next'/>"], { maxDepth: 32 });
  assert.deepEqual(out.texts, [deep, "<iq id='next'/>"]);
  assert.deepEqual(out.refused.map((r) => [r.limit, r.head?.attrs.id]), [['depth', 'deeper']]);
});

test('the cut-off is reached by bytes without a complete stanza, not by a stream of complete ones', () => {
  const small = `<iq id='s'/>`;
  const many = frame([HEADER + small.repeat(1_000)], { maxBytes: 100, cutoffBytes: 1_000 });
  assert.deepEqual([many.texts.length, many.errors.length], [1_000, 0]);
  const tenths = (text: string): string[] => Array.from({ length: 20 }, () => text.repeat(100));
  for (const [what, start, filler] of [
    ['a stanza that never ends', "<iq id='e'>", 'x'],
    ['an attribute value that never ends', "<iq id='", 'x'],
    ['a start tag that never ends', '<iq', ' '],
    ['a whitespace flood', '', ' '],
    ['an over-limit stanza that never ends', `<iq id='o'>${'y'.repeat(200)}`, '<a/>'],
  ] as const) {
    const out = frame([HEADER + start, ...tenths(filler)], { maxBytes: 100, cutoffBytes: 1_000 });
    assert.deepEqual(conditions(out.errors), ['policy-violation'], what);
  }
});

test('bytes that are not UTF-8 are refused with unsupported-encoding wherever they are cut, even inside a character', () => {
  const bytes = Buffer.concat([Buffer.from(HEADER + "<iq id='1'>é"), Buffer.from([0xe2, 0x82]), Buffer.from('</iq>')]);
  for (let at = 1; at < bytes.length; at++) {
    assert.deepEqual(conditions(frame(splitAt(bytes, at)).errors), ['unsupported-encoding'], `split at ${at}`);
  }
});

test('a comment, a processing instruction, a DTD or CDATA between stanzas is refused at the end of the chunk it starts in', () => {
  for (const [start, condition] of [
    ['<!--', 'restricted-xml'],
    ['<!-', 'restricted-xml'],
    ['<?', 'restricted-xml'],
    ['<!DOC', 'restricted-xml'],
    ['<![CDATA[', 'bad-format'],
    ['<![', 'bad-format'],
    ['<!x', 'not-well-formed'],
  ] as const) {
    assert.deepEqual(conditions(frame([HEADER + '<iq id="1"/> ' + start]).errors), [condition], start);
  }
  assert.deepEqual(conditions(frame([HEADER + "<iq id='1'>", '<!-']).errors), ['restricted-xml'], 'a comment inside a stanza');
  assert.deepEqual(conditions(frame([HEADER + "<iq id='1'>", '<?x']).errors), ['restricted-xml'], 'a PI inside a stanza');
  assert.deepEqual(frame([HEADER + "<iq id='1'>", '<![CDATA[ <iq> ', ']', ']>', '</iq>']).texts, ["<iq id='1'><![CDATA[ <iq> ]]></iq>"], 'CDATA inside a stanza, its end cut');
  assert.deepEqual(conditions(frame([HEADER + 'hello']).errors), ['bad-format'], 'character data between stanzas');
});

test('mismatched end tags, bad attribute syntax and unbalanced quotes are not well-formed', () => {
  for (const [what, text] of [
    ['a mismatched end tag', "<iq id='1'><a></b></iq>"],
    ['an end tag that closes nothing', '</b>'],
    ['a stanza cut short by the stream end tag', "<iq id='1'><a></stream:stream>"],
    ['an unquoted value', '<iq id=1/>'],
    ['an attribute without a value', '<iq id/>'],
    ['attributes without whitespace between them', "<iq a='1'b='2'/>"],
    ['a quote left open', "<iq id='1><a/></iq>"],
    ["a '<' in an attribute value", `<iq id="<"/>`],
    ['an end tag with an attribute', "<iq></iq a='1'>"],
  ] as const) {
    assert.deepEqual(conditions(frame([HEADER + text]).errors), ['not-well-formed'], what);
  }
});

test('a refused stream reports one error and frames nothing more, with or without an error listener', () => {
  const framer = new StanzaFramer(LIMITS);
  const errors: XmlViolation[] = [];
  const texts: string[] = [];
  framer.on('error', (e) => errors.push(e));
  framer.on('stanza', (t) => texts.push(t));
  framer.write(HEADER + "<iq id='1'/><a></b>");
  framer.write('<c></d><!-- --><iq/>');
  assert.deepEqual([conditions(errors), texts], [['not-well-formed'], ["<iq id='1'/>"]]);
  assert.doesNotThrow(() => new StanzaFramer(LIMITS).write(HEADER + '<a></b>'));
});

test('text after the stream end tag is not read', () => {
  const out = frame([HEADER + "<iq id='1'/></stream:stream>&&& <<x"]);
  assert.deepEqual([out.texts.length, out.errors, out.ended], [1, [], true]);
});

test("a stanza using a prefix the stream header declared carries the header's declaration", () => {
  const error = "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
  const [text] = frame([HEADER + error]).texts;
  assert.equal(text, "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
  assert.equal(parseStanza(text!, LIMITS).getNS(), 'http://etherx.jabber.org/streams');
});

test('the stream header is refused as the stream parser refuses it', () => {
  for (const [header, condition] of [
    ['<!-- x -->' + HEADER, 'restricted-xml'],
    ['<!DOCTYPE s>' + HEADER, 'restricted-xml'],
    ["<?xml version='1.0' encoding='latin1'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>", 'unsupported-encoding'],
    ["<stream:stream xmlns:stream='urn:wrong'>", 'invalid-namespace'],
    ["<stream:stream xmlns='jabber:component:accept'>", 'bad-namespace-prefix'],
  ] as const) {
    assert.deepEqual(conditions(frame([header + "<iq id='1'/>"]).errors), [condition], header);
  }
});
