/**
 * Parses one stanza from text (the embedding API's `handleStanza` / `messageToUser`, a shard's
 * framed stanzas) under the stanza limits (stanza-limits.ts). The stanzas peers send every day
 * are read by common-stanza-reader.ts; whatever it leaves aside, by the strict parser
 * (strict-saxes.ts), whose verdict stands:
 * - text over `maxBytes` (RFC 6120 §13.12) is not parsed beyond its start tag: StanzaOverLimit
 *   carries that head when the start tag fits in the limit, so an IQ can still be answered;
 * - an element nested deeper than `maxDepth` stops the parse at once: StanzaOverLimit with the head;
 * - XML that is not well-formed or that RFC 6120 §11 restricts: XmlViolation (HERALD_XML_MALFORMED,
 *   with the stream error condition a host would close its stream with).
 */
import type { Element } from '@xmpp/xml';
import { readCommonStanza } from './common-stanza-reader.js';
import { PrefixScope } from './prefix-scope.js';
import { StanzaBuilder } from './stanza-builder.js';
import { DEFAULT_MAX_STANZA_DEPTH, StanzaOverLimit, type StanzaLimits } from './stanza-limits.js';
import { strictParser, type StrictParser } from './strict-saxes.js';
import { XmlViolation } from './xml-violation.js';

/** `limits` as a bare number is `maxBytes`, with the default depth (tests and benchmarks). */
export function parseStanza(text: string, limits: StanzaLimits | number): Element {
  const { maxBytes, maxDepth } = typeof limits === 'number' ? { maxBytes: limits, maxDepth: DEFAULT_MAX_STANZA_DEPTH } : limits;
  // Cheap upper bound first: a UTF-8 byte count is at most 3 per UTF-16 unit.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new StanzaOverLimit('bytes', maxBytes, readHead(text, maxBytes));
  }
  // A lone surrogate is the text form of bytes that are not UTF-8; saxes would pair it with
  // whatever follows (XML 1.0 §2.2: surrogates are not characters).
  if (!(text as WellFormedCheck).isWellFormed()) throw new XmlViolation('not-well-formed', 'a lone surrogate (not Unicode text)');
  // The common case without the character-by-character parser; anything else is read below.
  const common = readCommonStanza(text, maxDepth);
  if (common !== undefined) return common;
  return strictParse(text, maxDepth);
}

/** The strict parser's reading of `text`: the tree, or its refusal. Exported for tests. */
export function strictParse(text: string, maxDepth: number): Element {
  const reader = idleReader ?? newReader();
  // Taken while in use: a parse started from inside this one (none is) would get its own.
  idleReader = undefined;
  const parse: Parse = { builder: new StanzaBuilder(maxDepth), maxDepth, level: 0, closed: false };
  reader.current = parse;
  // A throw leaves saxes mid-document: that reader is dropped, the next call builds a new one.
  reader.parser.write(text).close();
  reader.current = undefined;
  idleReader = reader; // saxes's close() has reset it for the next stanza
  // saxes reports a missing or unclosed element on close(); this only guards the contract.
  if (!parse.builder.top || !parse.closed) throw new XmlViolation('not-well-formed', 'no complete element');
  return parse.builder.top;
}

/** One `parseStanza` call's state. */
interface Parse {
  builder: StanzaBuilder;
  maxDepth: number;
  level: number;
  closed: boolean;
}

/**
 * A strict parser and its prefix scope, kept from one stanza to the next: building saxes's parser
 * costs ~1.4 KB of heap, as much as the rest of a small stanza's parse. After a well-formed stanza
 * saxes is back at its start and every prefix declared in it has gone out of scope.
 */
interface Reader {
  parser: StrictParser;
  scope: PrefixScope;
  current: Parse | undefined;
}

let idleReader: Reader | undefined;

function newReader(): Reader {
  const reader: Reader = { parser: undefined as unknown as StrictParser, scope: new PrefixScope(), current: undefined };
  reader.parser = strictParser({
    open(name, attrs, prefixedAttrs) {
      const parse = reader.current!;
      reader.scope.enter(parse.level++, name, attrs, prefixedAttrs);
      parse.builder.open(name, attrs);
      if (parse.builder.overLimit) throw new StanzaOverLimit('depth', parse.maxDepth, parse.builder.top);
    },
    close() {
      const parse = reader.current!;
      reader.scope.leave(--parse.level);
      if (parse.builder.close()) parse.closed = true;
    },
    text(data) {
      const parse = reader.current!;
      // Outside the element saxes lets through only whitespace, which belongs to no element.
      if (parse.level > 0) parse.builder.text(data);
    },
  });
  return reader;
}

/** ES2024 `String.prototype.isWellFormed` (Node 20), beyond the ES2022 library this compiles with. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** Thrown from the start-tag handler to stop reading once the head is known. */
const HEAD_READ = Symbol('head read');

/**
 * The top element's name and attributes, if its start tag is well-formed and ends within
 * `maxBytes`. Only the first `maxBytes` characters are read: they hold at least `maxBytes` bytes.
 */
function readHead(text: string, maxBytes: number): Element | undefined {
  const builder = new StanzaBuilder(0);
  const parser = strictParser({
    open(name, attrs, prefixedAttrs) {
      new PrefixScope().enter(0, name, attrs, prefixedAttrs);
      builder.open(name, attrs);
      throw HEAD_READ;
    },
    close() {},
    text() {},
  });
  const start = text.slice(0, maxBytes);
  if (!(start as WellFormedCheck).isWellFormed()) return undefined;
  try {
    parser.write(start);
    return undefined;
  } catch (e) {
    if (e !== HEAD_READ) return undefined;
  }
  return Buffer.byteLength(text.slice(0, parser.position), 'utf8') <= maxBytes ? builder.top : undefined;
}
