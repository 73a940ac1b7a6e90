/**
 * Every hostile input of the corpus read two ways: by StreamParser (the stream parsed on the
 * main thread) and by StanzaFramer followed by the strict parse of each framed text (what a
 * shard runs). Both read the same stanzas, refuse the same over-limit ones with the same head,
 * and refuse the stream with the same condition at the same point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { parseStanza } from '../../../src/xmpp/parse.js';
import { StanzaFramer } from '../../../src/xmpp/stanza-framer.js';
import type { StanzaOverLimit } from '../../../src/xmpp/stanza-limits.js';
import { StreamParser, type StreamLimits } from '../../../src/xmpp/stream-parser.js';
import { XmlViolation } from '../../../src/xmpp/xml-violation.js';
import { CUTOFF_BYTES, HOSTILE_INPUTS, MAX_BYTES, MAX_DEPTH } from './corpus.js';

const LIMITS: StreamLimits = { maxBytes: MAX_BYTES, maxDepth: MAX_DEPTH, cutoffBytes: CUTOFF_BYTES };
const HEADER = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' id='s1' from='push.localhost'>";

/** What a reader made of a stream, in order; after an 'error' nothing. */
type Outcome = string[];

/** The element as text, without the header declaration the framer adds to a stanza that uses it. */
function shown(element: Element): string {
  delete element.attrs['xmlns:stream'];
  return element.toString();
}
const refusal = (r: StanzaOverLimit): string => `over-limit ${r.limit} ${r.head ? shown(r.head) : 'no head'}`;

function parsed(chunks: Iterable<string | Buffer>): Outcome {
  const out: Outcome = [];
  const parser = new StreamParser(LIMITS);
  parser.on('element', (el) => out.push(shown(el)));
  parser.on('over-limit', (r) => out.push(refusal(r)));
  parser.on('error', (e) => out.push(`error ${e.condition}`));
  parser.on('end', () => out.push('end'));
  for (const chunk of chunks) parser.write(chunk);
  return out;
}

function framed(chunks: Iterable<string | Buffer>): Outcome {
  const out: Outcome = [];
  const framer = new StanzaFramer(LIMITS);
  let refused = false;
  const push = (line: string): void => void (refused || out.push(line));
  framer.on('stanza', (text) => {
    if (refused) return;
    try {
      out.push(shown(parseStanza(text, LIMITS)));
    } catch (e) {
      if (!(e instanceof XmlViolation)) throw e;
      out.push(`error ${e.condition}`);
      refused = true;
    }
  });
  framer.on('over-limit', (r) => push(refusal(r)));
  framer.on('error', (e) => push(`error ${e.condition}`));
  framer.on('end', () => push('end'));
  for (const chunk of chunks) framer.write(chunk);
  return out;
}

for (const input of HOSTILE_INPUTS) {
  const stream = input.stream;
  if (!stream) continue;
  test(`framed then parsed stanza by stanza, ${input.name} reads as the stream parser reads it`, () => {
    const chunks = (): Iterable<string | Buffer> => (stream.header ? [stream.header('s1', 'push.localhost')] : [HEADER, ...stream.chunks()]);
    const expected = parsed(chunks());
    assert.deepEqual(framed(chunks()), expected);
  });
}

/** Inputs small enough to be cut at every byte. */
const SPLIT_MAX_BYTES = 1_024;

test('cut in two at every byte, each small input of the corpus reads as the stream parser reads it', () => {
  let checked = 0;
  for (const input of HOSTILE_INPUTS) {
    const stream = input.stream;
    if (!stream || stream.header) continue;
    const bytes = Buffer.concat([Buffer.from(HEADER), ...[...stream.chunks()].map((c) => (typeof c === 'string' ? Buffer.from(c) : c))]);
    if (bytes.length - HEADER.length > SPLIT_MAX_BYTES) continue;
    for (let at = HEADER.length - 4; at < bytes.length; at++) {
      const chunks = [bytes.subarray(0, at), bytes.subarray(at)];
      assert.deepEqual(framed(chunks), parsed(chunks), `${input.name}, split at byte ${at}`);
    }
    checked++;
  }
  assert.ok(checked > 100, `${checked} inputs checked`);
});
