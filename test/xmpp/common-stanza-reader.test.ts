/**
 * The common-stanza reader (src/xmpp/common-stanza-reader.ts) is a shortcut past the strict
 * parser: whatever it accepts, the strict parser accepts with the same tree; whatever the strict
 * parser refuses, it leaves to the strict parser. Checked on the hostile corpus, on generated
 * texts built to probe its edges, on the fuzzing inputs — and it must actually read the stanzas
 * peers send every day, or the shortcut is lost without a sound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Element } from '@xmpp/xml';
import { buildPublishStanza } from '../../src/xmpp-server/publish-stanza.js';
import { readCommonStanza } from '../../src/xmpp/common-stanza-reader.js';
import { parseStanza, strictParse } from '../../src/xmpp/parse.js';
import { StanzaOverLimit } from '../../src/xmpp/stanza-limits.js';
import { XmlViolation } from '../../src/xmpp/xml-violation.js';
import { HOSTILE_INPUTS, MAX_DEPTH } from '../hardening/stanzas/corpus.js';
import { mutatedStanza, SEEDS, treeStanza } from '../hardening/stanzas/stanza-arbitraries.js';

type Shape = [string, Record<string, string>, Array<Shape | string>];
/** The element tree as plain data, text nodes as they were built (not merged). */
function shape(element: Element): Shape {
  return [element.name, { ...element.attrs }, element.children.map((c) => (typeof c === 'string' ? c : shape(c as Element)))];
}

type Verdict = { tree: Shape } | { refused: string };
function strictVerdict(text: string): Verdict {
  try {
    return { tree: shape(strictParse(text, MAX_DEPTH)) };
  } catch (e) {
    if (e instanceof XmlViolation) return { refused: `violation ${e.condition}` };
    if (e instanceof StanzaOverLimit) return { refused: `over-limit ${e.limit}` };
    throw e;
  }
}

/** The reader's answer for `text` agrees with the strict parser's; returns whether it read it. */
function agrees(text: string): boolean {
  // parseStanza refuses lone surrogates before either reader sees the text.
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) return false;
  const common = readCommonStanza(text, MAX_DEPTH);
  if (common === undefined) return false;
  const strict = strictVerdict(text);
  assert.deepEqual({ tree: shape(common) }, strict, `read differently: ${JSON.stringify(text.slice(0, 300))}`);
  return true;
}

const PUBLISH = buildPublishStanza(
  {
    from: 'localhost',
    to: 'push.localhost',
    node: 'node-1',
    summary: { 'message-count': 3, 'last-message-sender': 'romeo@montague.lit/orchard', 'last-message-body': 'Wherefore & <why> "art" thou?' },
    publishOptions: { service: 'apns', device_id: 'ab'.repeat(32), topic: 'com.example.herald' },
  },
  'p1',
).toString();

test('the stanzas peers send every day are read without the strict parser, as the strict parser reads them', () => {
  const everyday = [
    PUBLISH,
    ...SEEDS.map((seed) => seed('id-1')),
    "<message xml:lang='en' to='juliet@capulet.lit' from='romeo@montague.lit/orchard' type='chat' id='m1'><body>Neither, fair saint, if either thee dislike.</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    "<iq type='result' id='r1' from='push.localhost' to='localhost'/>",
    '<presence from="a@b/c" to="d@e"><status>été 😀</status><priority>\t1\n</priority></presence>',
    "<iq type='set' id='x1'><pubsub xmlns='http://jabber.org/protocol/pubsub' xmlns:p='urn:p'><p:x p:a='1' b=\"t\tab\nline\"/></pubsub></iq>",
  ];
  for (const text of everyday) assert.equal(agrees(text), true, `left to the strict parser: ${text.slice(0, 120)}`);
});

test('parseStanza gives the same refusals as before for what the reader leaves aside', () => {
  assert.throws(() => parseStanza("<a><!-- c --></a>", 65_536), (e: unknown) => e instanceof XmlViolation && e.condition === 'restricted-xml');
  assert.throws(() => parseStanza("<a xmlns:p='urn:p'><q:b/></a>", 65_536), (e: unknown) => e instanceof XmlViolation && e.condition === 'bad-namespace-prefix');
  assert.throws(() => parseStanza("<a b='1' b='2'/>", 65_536), (e: unknown) => e instanceof XmlViolation && e.condition === 'not-well-formed');
  const deep = `<iq type='get' id='d'>${'<a>'.repeat(MAX_DEPTH + 1)}${'</a>'.repeat(MAX_DEPTH + 1)}</iq>`;
  assert.throws(() => parseStanza(deep, { maxBytes: 65_536, maxDepth: MAX_DEPTH }), (e: unknown) => e instanceof StanzaOverLimit && e.limit === 'depth' && e.head?.attrs.id === 'd');
});

test('every hostile input of the corpus is read as the strict parser reads it, or left to it', () => {
  let read = 0;
  for (const input of HOSTILE_INPUTS) {
    const texts = [input.embedding?.text(), ...[...(input.stream?.chunks() ?? [])].map((c) => (typeof c === 'string' ? c : c.toString('utf8')))];
    for (const text of texts) if (text !== undefined && text.length < 200_000 && agrees(text)) read++;
  }
  assert.ok(read > 0, 'the corpus has readable stanzas too');
});

/** Pieces that sit on the reader's edges: names, quotes, references, whitespace, namespaces. */
const PIECES = [
  '<a', '<b', '<p:a', '<xml:a', '<xmlns:a', '<a:b:c', '<1a', '<-a', '<a.b-c_d', '<é', '</a>', '</b>', '</p:a>', '</a >', '</ a>', '>', '/>', ' />', '/ >',
  ' ', '\t', '\n', '\r', '\r\n', " x='1'", ' x="1"', " x='1'y='2'", " x = '1'", " x='a\tb\nc'", " x='&amp;&lt;&gt;&quot;&apos;'", " x='&#10;'", " x='&foo;'",
  " x='<'", " x='>'", ' x="\'"', " x='\"'", " xmlns='urn:x'", " xmlns=''", " xmlns='http://www.w3.org/XML/1998/namespace'", " xmlns:p='urn:p'", " xmlns:p=''",
  " xmlns:xml='urn:x'", " xmlns:xmlns='urn:x'", " p:x='2'", " q:x='2'", " xml:lang='en'", " xmlns:q='urn:p'", ' constructor="1"', ' __proto__="1"', ' x',
  'text', ' é 😀 ', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#10;', '&#x41;', '&#0;', '&foo;', '&', '&amp', ']]>', ']]', ']>', '<![CDATA[x]]>',
  '<!--c-->', '<?pi x?>', "<?xml version='1.0'?>", '<!DOCTYPE a>', '\u0085', '\u007f', '\u0000', '\uFFFE', '\uFEFF', '\u00A0',
];
const pieceSoup = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 24 }).map((pieces) => pieces.join(''));
/** Mostly well-formed: an element around a soup of pieces, so that most runs get far into the reader. */
const wrappedSoup = fc
  .tuple(fc.constantFrom('a', 'p:a'), fc.constantFrom('', " xmlns:p='urn:p'", " xml:lang='en' x='1'"), pieceSoup)
  .map(([name, attrs, inner]) => `<${name}${attrs}>${inner}</${name}>`);

test('generated texts: whatever the reader reads, the strict parser reads the same way', () => {
  const TIME_LIMIT_MS = 10_000;
  let read = 0;
  const check = (text: string): void => {
    if (agrees(text)) read++;
  };
  for (const input of [pieceSoup, wrappedSoup, treeStanza.map((t) => t), mutatedStanza]) {
    fc.assert(fc.property(input, check), { numRuns: 4_000, interruptAfterTimeLimit: TIME_LIMIT_MS });
  }
  assert.ok(read > 1_000, `only ${read} generated texts were read by the reader: the generators miss it`);
});
