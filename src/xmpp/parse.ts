/**
 * Parses one stanza from text under a size limit. RFC 6120 §13.12 lets a server set a maximum
 * stanza size (at least 10 000 bytes); the limit is checked on the bytes before any parsing.
 */
import { Parser, type Element } from '@xmpp/xml';
import { HeraldError } from '../core/errors.js';

export function parseStanza(text: string, maxBytes: number): Element {
  // Cheap upper bound first: a UTF-8 byte count is at most 3 per UTF-16 unit.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new HeraldError('HERALD_STANZA_TOO_LARGE', `more than ${maxBytes} bytes`);
  }
  const parser = new Parser();
  let root: Element | null = null;
  let failure: unknown;
  let closed = false;
  parser.on('start', (el: Element) => {
    if (root) failure ??= new Error('more than one top-level element');
    root = el;
  });
  parser.on('element', (el: Element) => {
    // After the root closed, the stream parser would file a second element under it.
    if (closed) failure ??= new Error('more than one top-level element');
    root?.append(el);
  });
  parser.on('end', () => {
    closed = true;
  });
  parser.on('error', (e: unknown) => {
    failure = e;
  });
  try {
    parser.write(text);
    parser.end('');
  } catch (e) {
    failure = e;
  }
  if (failure || !root || !closed) {
    const why = failure instanceof Error ? failure.message : root ? 'the element is not closed' : 'no element';
    throw new HeraldError('HERALD_XML_MALFORMED', why, {
      cause: failure,
    });
  }
  return root;
}
