/**
 * Named hostile inputs, each with what Herald must do with it on the component stream (the
 * server writes it after the handshake) and, when it has a text form, through the embedding API
 * (`herald.handleStanza(text)`). Expectations follow RFC 6120: stream errors of §4.9.3 for XML
 * that cannot be read on (§11: no comments, PIs, DTDs or undefined entities; UTF-8 only), IQ
 * error replies of §8.3.3 for requests Herald refuses, nothing for stanzas with no answer.
 * Limits are the defaults of config/default.toml ([xmpp]).
 */
import type { ErrorCode } from '../../../src/core/errors.js';
import type { XmlViolationCondition } from '../../../src/xmpp/xml-violation.js';
import { DOMAIN, OWNER } from './harness.js';

export const MAX_BYTES = 65_536;
export const MAX_DEPTH = 32;
export const CUTOFF_BYTES = 1_048_576;

export type Answer = { kind: 'answered'; type: 'result' } | { kind: 'answered'; type: 'error'; error: string };

export type StreamExpectation =
  | Answer
  /** No answer, and the stream stays up. */
  | { kind: 'ignored' }
  /** Herald closes the stream with this condition and joins again. */
  | { kind: 'stream-error'; condition: XmlViolationCondition }
  /** The server ended the stream or the connection; Herald joins again. */
  | { kind: 'rejoined' };

export type EmbeddingExpectation =
  | Answer
  /** `handleStanza` resolves and routes nothing for it. */
  | { kind: 'accepted' }
  | { kind: 'rejected'; code: ErrorCode; condition?: XmlViolationCondition };

export interface HostileInput {
  name: string;
  /** The id of the stanza, whose answer is looked for (or checked absent). */
  id: string;
  stream?: {
    /** Chunks the server writes one by one (built on demand: some are megabytes). */
    chunks: () => Iterable<string | Buffer>;
    /** The server's stream header for a new connection, for inputs that break the header itself. */
    header?: (streamId: string, to: string) => string;
    /** After writing, the server drops the TCP connection. */
    thenDrop?: boolean;
    expect: StreamExpectation;
  };
  embedding?: { text: () => string; expect: EmbeddingExpectation };
}

const corpus: HostileInput[] = [];
let count = 0;
const nextId = (): string => `h${++count}`;

const RESULT: Answer = { kind: 'answered', type: 'result' };
const POLICY_VIOLATION: Answer = { kind: 'answered', type: 'error', error: 'modify/policy-violation' };
const BAD_REQUEST: Answer = { kind: 'answered', type: 'error', error: 'modify/bad-request' };

/** A disco#info get to the App Server (answered result), `inner` inside its query, `attrs` on the IQ. */
const disco = (id: string, inner = '', attrs = ''): string =>
  `<iq type='get' id='${id}' from='${OWNER}' to='${DOMAIN}'${attrs}><query xmlns='http://jabber.org/protocol/disco#info'>${inner}</query></iq>`;
const message = (id: string, inner = ''): string => `<message id='${id}' from='bob@localhost/x' to='${DOMAIN}'>${inner}</message>`;
const presence = (id: string, inner = ''): string => `<presence id='${id}' from='bob@localhost/x' to='${DOMAIN}'>${inner}</presence>`;
const iqOfType = (type: string, id: string, inner = ''): string => `<iq type='${type}' id='${id}' from='localhost' to='${DOMAIN}'>${inner}</iq>`;
/** `n` nested elements. */
const nest = (n: number, open = '<a>', close = '</a>'): string => open.repeat(n) + close.repeat(n);
/** A disco IQ of exactly `bytes` UTF-8 bytes, padded with `pad` (then ASCII for the rest). */
function discoOfBytes(id: string, bytes: number, pad = 'x'): string {
  const room = bytes - Buffer.byteLength(disco(id), 'utf8');
  const unit = Buffer.byteLength(pad, 'utf8');
  return disco(id, pad.repeat(Math.floor(room / unit)) + 'x'.repeat(room % unit));
}
const STREAM_HEADER = (streamId: string, to: string): string =>
  `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='${streamId}' from='${to}'>`;

/** The same text on both paths, with the answer each gives. */
function both(name: string, build: (id: string) => string, onStream: StreamExpectation, onEmbedding: EmbeddingExpectation): void {
  const id = nextId();
  corpus.push({ name, id, stream: { chunks: () => [build(id)], expect: onStream }, embedding: { text: () => build(id), expect: onEmbedding } });
}
/** Answered the same way on both paths. */
const answered = (name: string, build: (id: string) => string, answer: Answer): void => both(name, build, answer, answer);
/** XML Herald cannot read: a stream error on the stream, HERALD_XML_MALFORMED with the same condition when embedded. */
const refused = (name: string, build: (id: string) => string, condition: XmlViolationCondition): void =>
  both(name, build, { kind: 'stream-error', condition }, { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition });
/** A stanza over a limit that has no answer: dropped on the stream, rejected with `code` when embedded. */
const dropped = (name: string, build: (id: string) => string, code: ErrorCode): void =>
  both(name, build, { kind: 'ignored' }, { kind: 'rejected', code });
function streamOnly(name: string, chunks: (id: string) => Iterable<string | Buffer>, expect: StreamExpectation, more: Partial<NonNullable<HostileInput['stream']>> = {}): void {
  const id = nextId();
  corpus.push({ name, id, stream: { chunks: () => chunks(id), expect, ...more } });
}
function embeddingOnly(name: string, build: (id: string) => string, expect: EmbeddingExpectation): void {
  const id = nextId();
  corpus.push({ name, id, embedding: { text: () => build(id), expect } });
}
/** `total` bytes of `unit` in 64 KiB writes (one string, written again and again). */
function* repeated(unit: string, total: number): Iterable<string> {
  const chunk = unit.repeat(Math.ceil(65_536 / unit.length));
  for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
}

// ── Nesting (RFC 6120 §13.12 resource exhaustion; issue 8 finding 1) ────────────────────────
answered(`an IQ nested exactly max_stanza_depth (${MAX_DEPTH}) levels deep`, (id) => disco(id, nest(MAX_DEPTH - 1)), RESULT);
answered('an IQ nested one level over max_stanza_depth', (id) => disco(id, nest(MAX_DEPTH)), POLICY_VIOLATION);
for (const depth of [100, 1_000, 3_000, 10_000, 100_000]) {
  answered(`an IQ nested ${depth.toLocaleString('en')} levels deep`, (id) => disco(id, nest(depth)), POLICY_VIOLATION);
}
answered('an IQ nested 3 000 deep with an attribute on every level', (id) => disco(id, nest(3_000, "<a x='1'>")), POLICY_VIOLATION);
answered('an IQ nested 3 000 deep with text on every level', (id) => disco(id, nest(3_000, '<a>t')), POLICY_VIOLATION);
answered('an IQ nested 3 000 deep declaring a new prefix on every level', (id) => disco(id, Array.from({ length: 3_000 }, (_, i) => `<p${i}:a xmlns:p${i}='urn:x:${i}'>`).join('') + Array.from({ length: 3_000 }, (_, i) => `</p${2_999 - i}:a>`).join('')), POLICY_VIOLATION);
answered('an IQ whose first branch is shallow and second too deep', (id) => disco(id, `<b/>${nest(MAX_DEPTH)}`), POLICY_VIOLATION);
answered('an IQ with 10 000 empty siblings (wide, shallow)', (id) => disco(id, '<a/>'.repeat(10_000)), RESULT);
dropped('a message nested 3 000 deep', (id) => message(id, nest(3_000)), 'HERALD_STANZA_TOO_DEEP');
dropped('a presence nested 3 000 deep', (id) => presence(id, nest(3_000)), 'HERALD_STANZA_TOO_DEEP');
dropped('an IQ result nested 3 000 deep', (id) => iqOfType('result', id, nest(3_000)), 'HERALD_STANZA_TOO_DEEP');
dropped('an IQ error nested 3 000 deep', (id) => iqOfType('error', id, nest(3_000)), 'HERALD_STANZA_TOO_DEEP');
both(
  'an IQ nested 3 000 deep that never closes, then a megabyte more',
  (id) => `<iq type='get' id='${id}' to='${DOMAIN}'>${'<a>'.repeat(3_000)}${'x'.repeat(CUTOFF_BYTES)}`,
  { kind: 'stream-error', condition: 'policy-violation' },
  POLICY_VIOLATION,
);

// ── Size (max_stanza_bytes, the stream cut-off; issue 8 findings 2 and 4) ────────────────────
answered('an IQ of exactly max_stanza_bytes', (id) => discoOfBytes(id, MAX_BYTES), RESULT);
answered('an IQ one byte under max_stanza_bytes', (id) => discoOfBytes(id, MAX_BYTES - 1), RESULT);
answered('an IQ one byte over max_stanza_bytes', (id) => discoOfBytes(id, MAX_BYTES + 1), POLICY_VIOLATION);
answered('an IQ of exactly max_stanza_bytes in two-byte characters', (id) => discoOfBytes(id, MAX_BYTES, 'é'), RESULT);
answered('an IQ one byte over max_stanza_bytes in two-byte characters', (id) => discoOfBytes(id, MAX_BYTES + 1, 'é'), POLICY_VIOLATION);
answered('an IQ of exactly max_stanza_bytes in three-byte characters', (id) => discoOfBytes(id, MAX_BYTES, '€'), RESULT);
answered('an IQ of exactly max_stanza_bytes in four-byte characters', (id) => discoOfBytes(id, MAX_BYTES, '𝄞'), RESULT);
answered('an IQ one byte over max_stanza_bytes in four-byte characters', (id) => discoOfBytes(id, MAX_BYTES + 1, '𝄞'), POLICY_VIOLATION);
answered('a 70 KB IQ (the link outage of issue 8)', (id) => discoOfBytes(id, 70_000), POLICY_VIOLATION);
answered('a 500 KB IQ, below the stream cut-off', (id) => discoOfBytes(id, 500_000), POLICY_VIOLATION);
both('a 1.1 MiB IQ, beyond the stream cut-off', (id) => discoOfBytes(id, CUTOFF_BYTES + 100_000), { kind: 'stream-error', condition: 'policy-violation' }, POLICY_VIOLATION);
dropped('a message over max_stanza_bytes', (id) => message(id, `<body>${'x'.repeat(MAX_BYTES)}</body>`), 'HERALD_STANZA_TOO_LARGE');
dropped('a presence over max_stanza_bytes', (id) => presence(id, `<status>${'x'.repeat(MAX_BYTES)}</status>`), 'HERALD_STANZA_TOO_LARGE');
dropped('an IQ result over max_stanza_bytes', (id) => iqOfType('result', id, 'x'.repeat(MAX_BYTES)), 'HERALD_STANZA_TOO_LARGE');
dropped('an IQ whose start tag alone is over max_stanza_bytes', (id) => disco(id, '', ` pad='${'x'.repeat(70_000)}'`), 'HERALD_STANZA_TOO_LARGE');
answered('an IQ whose 60 KB start tag fits but whose whole does not', (id) => disco(id, 'x'.repeat(10_000), ` pad='${'x'.repeat(60_000)}'`), POLICY_VIOLATION);
both(
  'a never-closing 32 MiB element fed in 64 KiB chunks',
  (id) => `<iq type='get' id='${id}' to='${DOMAIN}'>` + 'x'.repeat(32 * 1024 * 1024),
  { kind: 'stream-error', condition: 'policy-violation' },
  POLICY_VIOLATION,
);
{
  // The stream form is written chunk by chunk, as a server that never stops would.
  const last = corpus[corpus.length - 1]!;
  last.stream!.chunks = () => [`<iq type='get' id='${last.id}' to='${DOMAIN}'>`, ...repeated('x', 32 * 1024 * 1024)];
}
both('a never-closing attribute value (2 MiB)', (id) => `<iq type='get' id='${id}' to='${DOMAIN}' x='${'x'.repeat(2 * CUTOFF_BYTES)}`, { kind: 'stream-error', condition: 'policy-violation' }, { kind: 'rejected', code: 'HERALD_STANZA_TOO_LARGE' });
// Refused as soon as it starts: it would swallow the stream until it ended.
both('a never-closing comment (2 MiB)', () => `<!--${'x'.repeat(2 * CUTOFF_BYTES)}`, { kind: 'stream-error', condition: 'restricted-xml' }, { kind: 'rejected', code: 'HERALD_STANZA_TOO_LARGE' });
streamOnly('a comment left open, then stanzas', (id) => ['<!-- ', disco(id)], { kind: 'stream-error', condition: 'restricted-xml' });
streamOnly('a processing instruction left open, then stanzas', (id) => ['<?pi ', disco(id)], { kind: 'stream-error', condition: 'restricted-xml' });
streamOnly("a '&' that starts no reference, then stanzas", (id) => [disco(`${id}-first`, 'a &amp b'), disco(id)], { kind: 'stream-error', condition: 'not-well-formed' });
streamOnly('a CDATA section left open between stanzas, then stanzas', (id) => ['<![CDATA[ ', disco(id)], { kind: 'stream-error', condition: 'bad-format' });
both('2 MiB of whitespace before a stanza', (id) => ' '.repeat(2 * CUTOFF_BYTES) + disco(id), { kind: 'stream-error', condition: 'policy-violation' }, { kind: 'rejected', code: 'HERALD_STANZA_TOO_LARGE' });
both('a never-closing CDATA section', (id) => disco(id, `<![CDATA[${'x'.repeat(2 * CUTOFF_BYTES)}`), { kind: 'stream-error', condition: 'policy-violation' }, POLICY_VIOLATION);
answered('a 60 KB attribute value inside the payload', (id) => disco(id, `<a v='${'x'.repeat(60_000)}'/>`), RESULT);
answered('a 100 KB attribute value inside the payload', (id) => disco(id, `<a v='${'x'.repeat(100_000)}'/>`), POLICY_VIOLATION);
answered('5 000 attributes on a payload element', (id) => disco(id, `<a ${Array.from({ length: 5_000 }, (_, i) => `a${i}=''`).join(' ')}/>`), RESULT);
answered('10 000 attributes on a payload element', (id) => disco(id, `<a ${Array.from({ length: 10_000 }, (_, i) => `a${i}=''`).join(' ')}/>`), POLICY_VIOLATION);
dropped('10 000 attributes on the IQ itself', (id) => disco(id, '', ' ' + Array.from({ length: 10_000 }, (_, i) => `a${i}=''`).join(' ')), 'HERALD_STANZA_TOO_LARGE');
answered('a 60 KB element name', (id) => disco(id, `<a${'b'.repeat(60_000)}/>`), RESULT);
answered('a 60 KB attribute name', (id) => disco(id, `<a b${'c'.repeat(60_000)}='1'/>`), RESULT);
answered('60 KB of text in the payload', (id) => disco(id, 'x'.repeat(60_000)), RESULT);
answered('10 000 predefined entity references', (id) => disco(id, '&amp;'.repeat(10_000)), RESULT);
answered('10 000 character references', (id) => disco(id, '&#65;'.repeat(10_000)), RESULT);
answered('2 000 namespace declarations on one element', (id) => disco(id, `<a ${Array.from({ length: 2_000 }, (_, i) => `xmlns:p${i}='urn:x:${i}'`).join(' ')}/>`), RESULT);
answered('a prefix declared and used on each of 30 levels', (id) => disco(id, Array.from({ length: 30 }, (_, i) => `<p${i}:a xmlns:p${i}='urn:x:${i}' p${i}:v='1'>`).join('') + Array.from({ length: 30 }, (_, i) => `</p${29 - i}:a>`).join('')), RESULT);
answered('the same prefix bound anew on each of 30 levels', (id) => disco(id, Array.from({ length: 30 }, (_, i) => `<p:a xmlns:p='urn:x:${i}'>`).join('') + '</p:a>'.repeat(30)), RESULT);

// ── Entities and DTDs (RFC 6120 §11.1 restricted XML; issue 8 finding 4) ─────────────────────
refused('an undefined entity in text (&foo;)', (id) => disco(id, '&foo;'), 'restricted-xml');
refused('an undefined entity in an attribute value', (id) => disco(id, "<a v='&foo;'/>"), 'restricted-xml');
refused('an entity named like an external one (&xxe;)', (id) => disco(id, '&xxe;'), 'restricted-xml');
refused('an entity reference without its semicolon', (id) => disco(id, '&amp x'), 'not-well-formed');
refused('an empty entity reference (&;)', (id) => disco(id, '&;'), 'not-well-formed');
refused('a DOCTYPE before a stanza', (id) => `<!DOCTYPE iq>${disco(id)}`, 'restricted-xml');
refused(
  'billion laughs: a DOCTYPE of nested entities, then &lol9;',
  (id) =>
    `<!DOCTYPE iq [<!ENTITY lol "lol">` +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
    `]>${disco(id, '&lol9;')}`,
  'restricted-xml',
);
refused('XXE: a DOCTYPE with an external SYSTEM entity', (id) => `<!DOCTYPE iq [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${disco(id, '&xxe;')}`, 'restricted-xml');
refused('a DOCTYPE with a parameter entity', (id) => `<!DOCTYPE iq [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>${disco(id)}`, 'restricted-xml');
refused('a DOCTYPE inside a stanza', (id) => disco(id, '<!DOCTYPE x>'), 'restricted-xml');
refused('an ENTITY declaration inside a stanza', (id) => disco(id, '<!ENTITY x "y">'), 'not-well-formed');
answered('the five predefined entities', (id) => disco(id, '&lt;&gt;&amp;&quot;&apos;'), RESULT);
answered('a character reference to an astral character', (id) => disco(id, '&#x1F600;'), RESULT);
answered('tab, line feed and carriage return raw and as references', (id) => disco(id, '\t\n\r&#9;&#10;&#13;'), RESULT);
answered('DEL and C1 controls raw (allowed by XML 1.0)', (id) => disco(id, '\u007f\u0080\u009f'), RESULT);
for (const ref of ['&#0;', '&#x0;', '&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#xFFFF;', '&#x110000;', '&#99999999999;']) {
  refused(`a character reference to a non-character (${ref})`, (id) => disco(id, ref), 'not-well-formed');
}

// ── NUL and the other C0 controls XML 1.0 §2.2 excludes, raw and as references ──────────────
const C0_EXCLUDED = Array.from({ length: 32 }, (_, c) => c).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d);
for (const c of C0_EXCLUDED) {
  const hex = c.toString(16).toUpperCase().padStart(2, '0');
  refused(`a raw U+00${hex} in text`, (id) => disco(id, `a${String.fromCharCode(c)}b`), 'not-well-formed');
  if (c !== 0) refused(`U+00${hex} as a character reference (&#${c};)`, (id) => disco(id, `&#${c};`), 'not-well-formed');
}
refused('a raw NUL in an attribute value', (id) => disco(id, "<a v='\u0000'/>"), 'not-well-formed');
refused('a raw NUL in an element name', (id) => disco(id, '<a\u0000b/>'), 'not-well-formed');
refused('a raw U+FFFE', (id) => disco(id, '\uFFFE'), 'not-well-formed');
refused('a raw U+FFFF', (id) => disco(id, '\uFFFF'), 'not-well-formed');

// ── Well-formedness (XML 1.0, Namespaces in XML) ───────────────────────────────────────────
refused('a mismatched end tag inside an IQ', (id) => disco(id, '<a></b>'), 'not-well-formed');
refused('an end tag that closes nothing', () => '</b>', 'not-well-formed');
refused('a payload element left open at the end of its IQ', (id) => disco(id, '<a>'), 'not-well-formed');
refused('duplicate attributes', (id) => disco(id, "<a v='1' v='2'/>"), 'not-well-formed');
refused('duplicate attributes on the IQ itself', (id) => disco(id, '', " type='set'"), 'not-well-formed');
refused('duplicate attributes after namespace expansion', (id) => disco(id, "<a xmlns:p='urn:x' xmlns:q='urn:x' p:v='1' q:v='2'/>"), 'not-well-formed');
refused('an unquoted attribute value', (id) => disco(id, '<a v=1/>'), 'not-well-formed');
refused('an attribute without a value', (id) => disco(id, '<a v/>'), 'not-well-formed');
refused("a '<' in an attribute value", (id) => disco(id, "<a v='<'/>"), 'not-well-formed');
refused("a raw '&' in text", (id) => disco(id, 'a & b'), 'not-well-formed');
refused("']]>' in text", (id) => disco(id, 'a ]]> b'), 'not-well-formed');
refused('an element name starting with a digit', (id) => disco(id, '<1a/>'), 'not-well-formed');
refused('an element name with two colons', (id) => disco(id, "<a:b:c xmlns:a='urn:x'/>"), 'not-well-formed');
refused('an element name with an empty prefix', (id) => disco(id, '<:a/>'), 'not-well-formed');
refused('a local name starting with a digit after the colon', (id) => disco(id, "<p:1a xmlns:p='urn:x'/>"), 'not-well-formed');
refused('an element in the reserved xmlns prefix', (id) => disco(id, '<xmlns:a/>'), 'not-well-formed');
refused("undeclaring a prefix (xmlns:p='')", (id) => disco(id, "<a xmlns:p=''/>"), 'not-well-formed');
refused('declaring the xmlns prefix', (id) => disco(id, "<a xmlns:xmlns='urn:x'/>"), 'not-well-formed');
refused('binding the xml prefix to another namespace', (id) => disco(id, "<a xmlns:xml='urn:x'/>"), 'not-well-formed');
refused('binding another prefix to the XML namespace', (id) => disco(id, "<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>"), 'not-well-formed');
refused('the XML namespace as default namespace', (id) => disco(id, "<a xmlns='http://www.w3.org/XML/1998/namespace'/>"), 'not-well-formed');
refused('an unbound element prefix', (id) => disco(id, '<p:a/>'), 'bad-namespace-prefix');
refused('an unbound attribute prefix', (id) => disco(id, "<a p:v='1'/>"), 'bad-namespace-prefix');
refused('a prefix used after the element that declared it closed', (id) => disco(id, "<a xmlns:p='urn:x'/><p:b/>"), 'bad-namespace-prefix');
refused('an unbound prefix on the IQ itself', (id) => disco(id).replace('<iq ', '<p:iq ').replace('</iq>', '</p:iq>'), 'bad-namespace-prefix');
answered('xml:lang without a declaration (the xml prefix is always bound)', (id) => disco(id, "<a xml:lang='en'/>"), RESULT);
answered("attributes named __proto__, constructor and toString", (id) => disco(id, "<a __proto__='x' constructor='y' toString='z'/>"), RESULT);
refused('a processing instruction inside a stanza', (id) => disco(id, '<?php echo 1; ?>'), 'restricted-xml');
refused('a processing instruction before a stanza', (id) => `<?pi x?>${disco(id)}`, 'restricted-xml');
refused('a comment inside a stanza', (id) => disco(id, '<!-- hi -->'), 'restricted-xml');
refused('a comment before a stanza', (id) => `<!-- hi -->${disco(id)}`, 'restricted-xml');
refused("a malformed comment ('--' inside)", (id) => disco(id, '<!-- a -- b -->'), 'restricted-xml');
answered('a CDATA section in a payload (legal)', (id) => disco(id, '<![CDATA[hello]]>'), RESULT);
answered('a CDATA section holding markup and entities (legal)', (id) => disco(id, '<![CDATA[<iq>&foo;</iq> ]] >]]>'), RESULT);
answered('whitespace around a stanza', (id) => `  \n\t${disco(id)}\r\n `, RESULT);
answered('an empty-element IQ without payload', (id) => `<iq type='get' id='${id}' from='${OWNER}' to='${DOMAIN}'/>`, BAD_REQUEST);
answered('an IQ get with two payloads', (id) => disco(id).replace('</iq>', "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"), BAD_REQUEST);
answered('an IQ for a service Herald does not offer', (id) => `<iq type='get' id='${id}' from='${OWNER}' to='${DOMAIN}'><ping xmlns='urn:xmpp:ping'/></iq>`, { kind: 'answered', type: 'error', error: 'cancel/service-unavailable' });
both('a presence', (id) => presence(id), { kind: 'ignored' }, { kind: 'accepted' });
both('a message to the App Server', (id) => message(id, '<body>hi</body>'), { kind: 'ignored' }, { kind: 'accepted' });
both('an unknown first-level element', (id) => `<foo xmlns='urn:example' id='${id}'/>`, { kind: 'ignored' }, { kind: 'accepted' });
both('an IQ result for no request', (id) => iqOfType('result', id), { kind: 'ignored' }, { kind: 'accepted' });

// ── Stream level (RFC 6120 §4): only the component stream has one ───────────────────────────
both('two stanzas in one text', (id) => disco(id) + disco(`${id}-second`), RESULT, { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
both('text before a stanza', (id) => `hello${disco(id)}`, { kind: 'stream-error', condition: 'bad-format' }, { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
both('a CDATA section before a stanza', (id) => `<![CDATA[x]]>${disco(id)}`, { kind: 'stream-error', condition: 'bad-format' }, { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
// XML 1.0 §4.3.3 allows a byte order mark at the start of a document, not within one.
both('a byte order mark before a stanza', (id) => `\uFEFF${disco(id)}`, { kind: 'stream-error', condition: 'bad-format' }, RESULT);
both('an XML declaration in the middle of the stream', (id) => `<?xml version='1.0'?>${disco(id)}`, { kind: 'stream-error', condition: 'not-well-formed' }, RESULT);
both('an XML 1.1 declaration with a C0 reference', (id) => `<?xml version='1.1'?>${disco(id, '&#1;')}`, { kind: 'stream-error', condition: 'not-well-formed' }, { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
embeddingOnly('a declaration of another encoding', (id) => `<?xml version='1.0' encoding='ISO-8859-1'?>${disco(id)}`, { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'unsupported-encoding' });
embeddingOnly('a lone high surrogate', (id) => disco(id, 'a\uD800b'), { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
embeddingOnly('a lone low surrogate', (id) => disco(id, 'a\uDC00b'), { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
embeddingOnly('an empty text', () => '', { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
embeddingOnly('a truncated stanza', (id) => disco(id).slice(0, -5), { kind: 'rejected', code: 'HERALD_XML_MALFORMED', condition: 'not-well-formed' });
streamOnly('whitespace keepalives between stanzas', () => [' ', '\n', ' \t '], { kind: 'ignored' });
streamOnly("the server's stream error", () => [`<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`], { kind: 'rejoined' });
streamOnly("the server's closing tag", () => ['</stream:stream>'], { kind: 'rejoined' });
streamOnly("garbage after the server's closing tag", () => ['</stream:stream><<<&&&\u0000'], { kind: 'rejoined' });
streamOnly('a stanza cut short, then the connection drops', (id) => [disco(id).slice(0, 40)], { kind: 'rejoined' }, { thenDrop: true });
streamOnly("a stanza cut short by the server's closing tag", (id) => [`<iq type='get' id='${id}' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'></stream:stream>`], { kind: 'stream-error', condition: 'not-well-formed' });
streamOnly('a stanza written one byte per write, with 2-, 3- and 4-byte characters', (id) => [...Buffer.from(disco(id, "<a v='é€𝄞'>é€𝄞</a>"))].map((b) => Buffer.from([b])), RESULT);
streamOnly('a stanza with 4-byte characters split inside each character', (id) => {
  const bytes = Buffer.from(disco(id, '𝄞𝄞𝄞'));
  const at = bytes.indexOf(Buffer.from('𝄞'));
  return [bytes.subarray(0, at + 1), bytes.subarray(at + 1, at + 6), bytes.subarray(at + 6, at + 11), bytes.subarray(at + 11)];
}, RESULT);

// ── Bytes that are not UTF-8 (RFC 6120 §11.6, §4.9.3.22) ───────────────────────────────────
const BAD_UTF8: ReadonlyArray<readonly [string, number[]]> = [
  ['a lone continuation byte (0x80)', [0x80]],
  ['the byte 0xFF', [0xff]],
  ['the byte 0xFE', [0xfe]],
  ["an overlong '/' (C0 AF)", [0xc0, 0xaf]],
  ['an overlong three-byte sequence (E0 80 AF)', [0xe0, 0x80, 0xaf]],
  ['an encoded UTF-16 surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['a five-byte sequence (F8 88 80 80 80)', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['a two-byte sequence cut by an ASCII byte (C3 41)', [0xc3, 0x41]],
  ['a three-byte sequence cut by a tag (E2 82 <)', [0xe2, 0x82, 0x3c]],
  ["a Latin-1 'é' (E9)", [0xe9]],
];
for (const [name, bytes] of BAD_UTF8) {
  streamOnly(`${name} in text`, (id) => {
    const [head, tail] = disco(id, '#').split('#');
    return [Buffer.concat([Buffer.from(head!), Buffer.from(bytes), Buffer.from(tail!)])];
  }, { kind: 'stream-error', condition: 'unsupported-encoding' });
}
streamOnly('an invalid byte in an attribute value', (id) => [Buffer.concat([Buffer.from(`<iq type='get' id='${id}' v='`), Buffer.from([0xff]), Buffer.from("'/>")])], { kind: 'stream-error', condition: 'unsupported-encoding' });
streamOnly('an invalid byte in an element name', (id) => [Buffer.concat([Buffer.from('<i'), Buffer.from([0xc0, 0x80]), Buffer.from(`q id='${id}'/>`)])], { kind: 'stream-error', condition: 'unsupported-encoding' });
streamOnly('a stanza encoded in UTF-16', (id) => [Buffer.from(`\uFEFF${disco(id)}`, 'utf16le')], { kind: 'stream-error', condition: 'unsupported-encoding' });

// ── The server's stream header (RFC 6120 §4.7, §4.8.1) ────────────────────────────────────
const headerCase = (name: string, header: (streamId: string, to: string) => string, condition: XmlViolationCondition): void =>
  streamOnly(name, () => [], { kind: 'stream-error', condition }, { header });
headerCase('a DOCTYPE before the stream header', (sid, to) => `<!DOCTYPE stream:stream>${STREAM_HEADER(sid, to)}`, 'restricted-xml');
headerCase('a comment before the stream header', (sid, to) => `<!-- hi -->${STREAM_HEADER(sid, to)}`, 'restricted-xml');
headerCase('a processing instruction before the stream header', (sid, to) => `<?pi x?>${STREAM_HEADER(sid, to)}`, 'restricted-xml');
headerCase('text before the stream header', (sid, to) => `hello${STREAM_HEADER(sid, to)}`, 'not-well-formed');
headerCase('a stream header declaring ISO-8859-1', (sid, to) => `<?xml version='1.0' encoding='ISO-8859-1'?>${STREAM_HEADER(sid, to)}`, 'unsupported-encoding');
headerCase('a stream header in the wrong namespace', (sid, to) => `<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:component:accept' id='${sid}' from='${to}'>`, 'invalid-namespace');
headerCase('a stream header that is not <stream>', (sid, to) => `<stream:open xmlns:stream='http://etherx.jabber.org/streams' id='${sid}' from='${to}'>`, 'invalid-namespace');
headerCase('a stream header with an unbound prefix', (sid, to) => `<stream:stream xmlns='jabber:component:accept' id='${sid}' from='${to}'>`, 'bad-namespace-prefix');
headerCase('a stream header that never ends (2 MiB of attributes)', (sid, to) => `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' id='${sid}' from='${to}' ${'a'.repeat(2 * CUTOFF_BYTES)}`, 'policy-violation');

export const HOSTILE_INPUTS: readonly HostileInput[] = corpus;

/** The outcome in words, for test names. */
export function describeStream(expect: StreamExpectation): string {
  switch (expect.kind) {
    case 'answered':
      return expect.type === 'result' ? 'is answered with its result' : `is answered ${expect.error}`;
    case 'ignored':
      return 'gets no answer and the stream stays up';
    case 'stream-error':
      return `closes the stream with ${expect.condition}, and the component joins again`;
    case 'rejoined':
      return 'ends the stream, and the component joins again';
  }
}

export function describeEmbedding(expect: EmbeddingExpectation): string {
  switch (expect.kind) {
    case 'answered':
      return expect.type === 'result' ? 'is answered with its result' : `is answered ${expect.error}`;
    case 'accepted':
      return 'is taken without an answer';
    case 'rejected':
      return `is refused with ${expect.code}${expect.condition ? ` (${expect.condition})` : ''}`;
  }
}
