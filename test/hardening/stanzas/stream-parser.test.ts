/**
 * The component stream's reader on its own, fed the way TCP delivers: split at every byte. What
 * it reads, and where its limits fall, does not depend on where the segments end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StanzaOverLimit } from '../../../src/xmpp/stanza-limits.js';
import { StreamParser, type StreamLimits } from '../../../src/xmpp/stream-parser.js';
import type { XmlViolation } from '../../../src/xmpp/xml-violation.js';

const HEADER = "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='s1'>";
/** Two-, three- and four-byte characters, CR LF (which saxes reads as one), a CDATA section. */
const STANZA =
  `<iq type='set' id='é1' to='push.localhost'>\r\n<pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
  `<publish node='n€'><item v='𝄞\r\n'>é€𝄞&amp;&#x1F600;<![CDATA[<x>]]>\r</item></publish></pubsub></iq>`;
const STANZA_BYTES = Buffer.byteLength(STANZA);

interface Read {
  elements: string[];
  refused: StanzaOverLimit[];
  errors: XmlViolation[];
  ended: boolean;
}

function read(chunks: Buffer[], limits: Partial<StreamLimits> = {}): Read {
  const parser = new StreamParser({ maxBytes: 65_536, maxDepth: 32, cutoffBytes: 1_048_576, ...limits });
  const out: Read = { elements: [], refused: [], errors: [], ended: false };
  parser.on('element', (el) => out.elements.push(el.toString()));
  parser.on('over-limit', (refusal) => out.refused.push(refusal));
  parser.on('error', (error) => out.errors.push(error));
  parser.on('end', () => (out.ended = true));
  for (const chunk of chunks) parser.write(chunk);
  return out;
}

/** `bytes` cut in two at `at`. */
const splitAt = (bytes: Buffer, at: number): Buffer[] => [bytes.subarray(0, at), bytes.subarray(at)];

test('a stanza cut in two at every byte offset reads the same as whole, multi-byte characters and CR LF included', () => {
  const bytes = Buffer.from(HEADER + STANZA + STANZA + '</stream:stream>');
  const whole = read([bytes]);
  assert.equal(whole.elements.length, 2);
  assert.deepEqual([whole.errors, whole.refused, whole.ended], [[], [], true]);
  assert.match(whole.elements[0]!, /é€𝄞&amp;😀&lt;x&gt;/);
  for (let at = 1; at < bytes.length; at++) {
    assert.deepEqual(read(splitAt(bytes, at)), whole, `split at byte ${at}`);
  }
});

test('a stanza fed one byte at a time reads the same as whole', () => {
  const bytes = Buffer.from(HEADER + STANZA);
  const one = [...bytes].map((b) => Buffer.from([b]));
  assert.deepEqual(read(one).elements, read([bytes]).elements);
});

test('max_stanza_bytes counts UTF-8 bytes from < to >, wherever the stanza is cut', () => {
  const bytes = Buffer.from(HEADER + ' \n' + STANZA + '\n ' + STANZA);
  for (let at = 1; at < bytes.length; at++) {
    const exact = read(splitAt(bytes, at), { maxBytes: STANZA_BYTES });
    assert.equal(exact.elements.length, 2, `at the limit, split at ${at}`);
    const over = read(splitAt(bytes, at), { maxBytes: STANZA_BYTES - 1 });
    assert.deepEqual([over.elements.length, over.refused.length], [0, 2], `one byte over, split at ${at}`);
    assert.equal(over.refused[0]!.limit, 'bytes');
    assert.equal(over.refused[0]!.head?.attrs.id, 'é1', 'the head is kept to answer the IQ');
  }
});

test('bytes that are not UTF-8 are refused with unsupported-encoding wherever they are cut, even inside a character', () => {
  const bytes = Buffer.concat([Buffer.from(HEADER + "<iq id='1'>é"), Buffer.from([0xe2, 0x82]), Buffer.from('</iq>')]);
  for (let at = 1; at < bytes.length; at++) {
    const out = read(splitAt(bytes, at));
    assert.deepEqual(out.errors.map((e) => e.condition), ['unsupported-encoding'], `split at ${at}`);
  }
});

test('a refused stream reports one error and reads nothing more, with or without an error listener', () => {
  const parser = new StreamParser({ maxBytes: 65_536, maxDepth: 32, cutoffBytes: 1_048_576 });
  const errors: XmlViolation[] = [];
  const elements: string[] = [];
  parser.on('error', (e) => errors.push(e));
  parser.on('element', (el) => elements.push(el.toString()));
  parser.write(HEADER + '<a></b>');
  parser.write('<c></d>&foo;<iq/>');
  assert.deepEqual(errors.map((e) => e.condition), ['not-well-formed']);
  assert.deepEqual(elements, []);
  const unheard = new StreamParser({ maxBytes: 65_536, maxDepth: 32, cutoffBytes: 1_048_576 });
  assert.doesNotThrow(() => unheard.write(HEADER + '<a></b>'));
});

test('a stanza over max_stanza_depth is skipped to its end and the next one is read', () => {
  const out = read([Buffer.from(HEADER + `<iq type='get' id='deep'>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</iq><iq id='next'/>`)], { maxDepth: 32 });
  assert.deepEqual(out.refused.map((r) => [r.limit, r.head?.attrs.id]), [['depth', 'deep']]);
  assert.deepEqual(out.elements, ['<iq id="next"/>']);
});

test('a stanza whose start tag alone is over the limit is refused without a head', () => {
  const out = read([Buffer.from(HEADER + `<iq id='${'x'.repeat(200)}'/><iq id='next'/>`)], { maxBytes: 100 });
  assert.deepEqual(out.refused.map((r) => r.head), [undefined]);
  assert.deepEqual(out.elements, ['<iq id="next"/>']);
});

test('the cut-off is reached by bytes without a complete stanza, not by a stream of complete ones', () => {
  const small = `<iq id='s'/>`;
  const many = read([Buffer.from(HEADER + small.repeat(1_000))], { maxBytes: 100, cutoffBytes: 1_000 });
  assert.deepEqual([many.elements.length, many.errors.length], [1_000, 0]);
  const endless = read([Buffer.from(HEADER + "<iq id='e'>"), ...Array.from({ length: 20 }, () => Buffer.from('x'.repeat(100)))], { maxBytes: 100, cutoffBytes: 1_000 });
  assert.deepEqual(endless.errors.map((e) => e.condition), ['policy-violation']);
});

test('text after the stream end tag is not read', () => {
  const out = read([Buffer.from(HEADER + "<iq id='1'/></stream:stream>&&& <<x")]);
  assert.deepEqual([out.elements.length, out.errors, out.ended], [1, [], true]);
});
