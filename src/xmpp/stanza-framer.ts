/**
 * The component stream cut into stanzas without parsing them (RFC 6120 §4): bytes in, the stream
 * header as an Element ('start'), then each first-level element as its exact text ('stanza': a
 * slice of the decoded stream), 'end' at the stream's end tag. For a main thread that only moves
 * bytes: the stanza's strict parse (xmpp/parse.ts) runs where the stanza is handled (a shard).
 *
 * Tags are found with native searches (`indexOf`, sticky regular expressions over a whole tag),
 * not character by character. It keeps StreamParser's guarantees (stream-parser.ts), whatever
 * the peer sends:
 * - bytes are decoded as UTF-8 in streaming mode, and bytes that are not UTF-8 are an error
 *   (§11.6), never replaced;
 * - a stanza over `maxBytes` or `maxDepth` is not forwarded: 'over-limit' carries its head (when
 *   its start tag fits in `maxBytes`), the rest is read to its end tag, and the stream goes on;
 * - what is held is bounded: once `cutoffBytes` arrive without completing a stanza the stream is
 *   refused with policy-violation; an over-limit stanza's text is not kept, and a tag, CDATA
 *   section or attribute value cut by a chunk's end is searched on from where the search stopped;
 * - nothing stalls it silently: a comment, processing instruction, DTD or CDATA between stanzas
 *   is refused at the end of the chunk it starts in; so is character data between stanzas;
 * - structure is checked: a mismatched end tag, a start tag whose attributes are not
 *   `name="value"` pairs (quotes balanced, no `<` inside) is not-well-formed;
 * - each refusal is one 'error' (an XmlViolation with its §4.9.3 condition), after which nothing
 *   more is read or emitted; events are emitted after a chunk is read.
 * What it leaves to the stanza's strict parse: the characters inside names, text and attribute
 * values (XML 1.0 §2.2 characters, references, `]]>`), unique attributes and namespace prefixes
 * (§4.9.3.2); an over-limit stanza, which is not forwarded, is checked for structure only.
 *
 * A stanza that uses a prefix the header declared (`stream:`) is forwarded with that declaration
 * added to its start tag, so that it reads the same on its own as it did inside the stream.
 */
import type { Element } from '@xmpp/xml';
import { parseStanza } from './parse.js';
import { StanzaOverLimit, type StanzaLimit } from './stanza-limits.js';
import { StreamHeaderReader } from './stream-header-reader.js';
import type { StreamLimits } from './stream-parser.js';
import { StreamReader } from './stream-reader.js';
import { XmlViolation } from './xml-violation.js';

export interface StanzaFramerEvents {
  start: [Element];
  /** A first-level element (a stanza, or a nonza such as `<handshake/>`) as its text. */
  stanza: [string];
  end: [Element];
  'over-limit': [StanzaOverLimit];
  error: [XmlViolation];
}

/** XML 1.0 §2.3 Name, loosely: the characters that end one; which may start one is the parse's check. */
const NAME = `[^\\s<>/="'!?&;]+`;
/**
 * A whole tag, from `<` to `>` (XML 1.0 §3.1): an end tag (its name in group 1), or a start tag
 * (its name in group 2): `name="value"` pairs each after whitespace, `/` (group 3) if empty.
 */
const TAG = new RegExp(`<(?:/(${NAME})\\s*|(${NAME})(?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*\\s*(/?))>`, 'y');
/** What ends a start tag or opens a quoted value in it. */
const TAG_DELIMITER = /[>"'<]/g;
/** What ends a quoted attribute value (a `<` inside one is not well-formed, §3.1 AttValue). */
const VALUE_END = { '"': /["<]/g, "'": /['<]/g } as const;
/** §2.3 S: the only character data XMPP allows between stanzas (§4.7: whitespace keepalives). */
const NOT_WHITESPACE = /[^ \t\r\n]/g;
const CDATA_OPEN = '<![CDATA[';
const XML_DECLARATION = /^<\?xml[\s?]/;

/** A tag, CDATA section or attribute value cut by the end of the text read so far. */
interface OpenToken {
  /** Where its `<` is. */
  at: number;
  /** Where the search for its end goes on. */
  from: number;
  /** Inside a start tag: the quote of the value being read, if any. */
  quote: '"' | "'" | undefined;
}

export class StanzaFramer extends StreamReader<StanzaFramerEvents> {
  private header: StreamHeaderReader | undefined = new StreamHeaderReader();
  private root: Element | undefined;
  /** Matches a use of a prefix the header declared (`stream:`), or undefined when it declared none. */
  private headerPrefixUse: RegExp | undefined;
  private headerDeclarations = new Map<string, string>();
  protected ended = false;

  /** Decoded text not yet done with: from the open stanza's `<` (or the token being read) on. */
  private buf = '';
  /** Where reading goes on in `buf`. */
  private pos = 0;
  private open: OpenToken | undefined;
  /** Where the last stanza (or the header) ended in `buf`; 0 once that part was let go. */
  private boundary = 0;
  /** Bytes since the boundary that were let go from `buf` (whitespace, an over-limit stanza, text before the header). */
  private droppedSinceBoundary = 0;

  // The stanza being read.
  private inStanza = false;
  private stanzaStart = 0;
  /** Where the stanza's start tag ends (just past its `>`), once read. */
  private headEnd = -1;
  /** Names of its open elements, the stanza element first. */
  private readonly names: string[] = [];
  private overLimit: StanzaLimit | undefined;
  private head: Element | undefined;

  constructor(private readonly limits: StreamLimits) {
    super();
  }

  protected read(text: string): void {
    if (text === '') return;
    if (this.header) {
      const header = this.header.read(text);
      if (!header) {
        this.droppedSinceBoundary += Buffer.byteLength(text, 'utf8');
        return this.checkCutoff();
      }
      this.header = undefined;
      this.startStream(header.root, header.prefixes);
      if (header.selfClosed) return this.endStream();
      this.buf = header.rest;
    } else {
      this.buf = this.buf === '' ? text : this.buf + text;
    }
    this.frame();
    if (this.ended) return;
    if (this.inStanza && this.overLimit === undefined && this.bytesOver(this.stanzaStart, this.buf.length, this.limits.maxBytes)) {
      // A stanza still open after the whole chunk holds every byte since its start.
      this.stop('bytes');
    }
    this.letGo();
    this.checkCutoff();
  }

  private startStream(root: Element, prefixes: Map<string, string>): void {
    this.root = root;
    this.headerDeclarations = prefixes;
    if (prefixes.size > 0) {
      const alternatives = [...prefixes.keys()].map((p) => p.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
      this.headerPrefixUse = new RegExp(`[\\s</](?:${alternatives}):`);
    }
    this.buf = '';
    this.pos = this.boundary = this.droppedSinceBoundary = 0;
    this.hold('start', root);
  }

  private endStream(): void {
    // RFC 6120 §4.4: the peer closed its stream.
    this.ended = true;
    this.hold('end', this.root!);
  }

  /** Reads every complete token of `buf` from `pos`. */
  private frame(): void {
    const buf = this.buf;
    let i = this.pos;
    while (i < buf.length) {
      const lt = buf.indexOf('<', i);
      if (!this.inStanza) this.checkWhitespace(i, lt === -1 ? buf.length : lt);
      if (lt === -1) {
        i = buf.length;
        break;
      }
      const next = this.token(lt);
      if (next === -1) {
        i = lt;
        break;
      }
      i = next;
      if (this.ended) break;
    }
    this.pos = i;
  }

  /** RFC 6120 §4.7 defines no character data between stanzas; whitespace keeps connections alive. */
  private checkWhitespace(from: number, to: number): void {
    if (from === to) return;
    NOT_WHITESPACE.lastIndex = from;
    const other = NOT_WHITESPACE.exec(this.buf);
    if (other !== null && other.index < to) throw new XmlViolation('bad-format', 'character data between stanzas');
  }

  /**
   * The token at `at` (a `<`): the index past it, or -1 when it is not complete yet. A whole tag
   * is read by one sticky match of TAG; the slower paths are for a tag cut by the end of the text
   * read so far (its end is then searched for from where the last search stopped), one that is
   * not well-formed, and `<!`, `<?`.
   */
  private token(at: number): number {
    const buf = this.buf;
    if (this.open?.at !== at) {
      TAG.lastIndex = at;
      if (TAG.test(buf)) return this.tag(at, TAG.lastIndex);
    }
    if (at + 1 >= buf.length) return -1;
    let end: number;
    switch (buf.charCodeAt(at + 1)) {
      case 0x21 /* ! */:
        return this.bang(at);
      case 0x3f /* ? */:
        // XML 1.0 §2.8: a declaration only at the document's start; anything else `<?` begins is a PI.
        if (XML_DECLARATION.test(buf.slice(at, at + 6))) throw new XmlViolation('not-well-formed', 'an XML declaration after the start of the stream');
        throw new XmlViolation('restricted-xml', 'a processing instruction (RFC 6120 §11.1)');
      case 0x2f /* / */:
        end = this.endTagEnd(at);
        break;
      default:
        end = this.startTagEnd(at);
    }
    if (end === -1) return -1;
    TAG.lastIndex = at;
    if (!TAG.test(buf) || TAG.lastIndex !== end) throw new XmlViolation('not-well-formed', 'a tag that is not well-formed');
    return this.tag(at, end);
  }

  /**
   * A whole tag TAG matched at `at`, ending at `end`. The match is tested, not captured (no
   * array, no strings per tag): an end tag has `/` after its `<`, an empty-element tag before
   * its `>` (a quoted value ends in a quote, a name holds no `/`), and a name ends at whitespace,
   * `/` or `>`.
   */
  private tag(at: number, end: number): number {
    this.open = undefined;
    const buf = this.buf;
    if (buf.charCodeAt(at + 1) === 0x2f /* / */) this.closeElement(at + 2, end);
    else this.openElement(buf.slice(at + 1, nameEnd(buf, at + 1)), buf.charCodeAt(end - 2) === 0x2f, at, end);
    return end;
  }

  private openElement(name: string, selfClosing: boolean, at: number, end: number): void {
    if (!this.inStanza) {
      this.inStanza = true;
      this.stanzaStart = at;
      this.overLimit = this.head = undefined;
    }
    if (this.names.length === 0) this.headEnd = end;
    else if (this.names.length > this.limits.maxDepth && this.overLimit === undefined) this.stop('depth');
    if (!selfClosing) this.names.push(name);
    else if (this.names.length === 0) this.stanzaEnd(end);
  }

  /** The end tag whose name starts at `from` and which ends at `end`. */
  private closeElement(from: number, end: number): void {
    const buf = this.buf;
    const expected = this.inStanza ? this.names.pop()! : this.root!.name;
    if (!buf.startsWith(expected, from) || nameEnd(buf, from) !== from + expected.length) {
      const name = buf.slice(from, Math.min(nameEnd(buf, from), from + 64));
      throw new XmlViolation('not-well-formed', this.inStanza ? `the end tag </${name}> does not close <${expected.slice(0, 64)}>` : `the end tag </${name}> closes no open element`);
    }
    if (!this.inStanza) return this.endStream();
    if (this.names.length === 0) this.stanzaEnd(end);
  }

  /**
   * Past the `>` that ends the start tag at `at`, or -1 (the search stopped at the text's end and
   * goes on from there). Quoted values may hold `>` (XML 1.0 §3.1), never `<`.
   */
  private startTagEnd(at: number): number {
    const buf = this.buf;
    let from = at + 1;
    let quote: '"' | "'" | undefined;
    if (this.open?.at === at) ({ from, quote } = this.open);
    for (;;) {
      const search = quote === undefined ? TAG_DELIMITER : VALUE_END[quote];
      search.lastIndex = from;
      const found = search.exec(buf);
      if (found === null) {
        this.open = { at, from: buf.length, quote };
        return -1;
      }
      const c = found[0];
      from = found.index + 1;
      if (c === '<') throw new XmlViolation('not-well-formed', quote === undefined ? "'<' inside a tag" : "'<' inside an attribute value, or a quote left open");
      if (quote !== undefined) quote = undefined;
      else if (c === '>') return from;
      else quote = c as '"' | "'";
    }
  }

  /** Past the `>` that ends the end tag at `at`, or -1 (searched on from the text's end). */
  private endTagEnd(at: number): number {
    const close = this.buf.indexOf('>', this.open?.at === at ? this.open.from : at + 2);
    if (close !== -1) return close + 1;
    this.open = { at, from: this.buf.length, quote: undefined };
    return -1;
  }

  /**
   * `<!`: a CDATA section inside a stanza; anything else is refused as soon as its third
   * character is read (RFC 6120 §11.1: no comment, no DTD; §4.7: no CDATA between stanzas).
   */
  private bang(at: number): number {
    const start = this.buf.slice(at, at + CDATA_OPEN.length);
    if (start === '<!') return -1;
    if (start.startsWith('<!-')) throw new XmlViolation('restricted-xml', 'a comment (RFC 6120 §11.1)');
    if (start.startsWith('<!D')) throw new XmlViolation('restricted-xml', 'a document type declaration (RFC 6120 §11.1)');
    if (start.startsWith('<![')) {
      if (!this.inStanza) throw new XmlViolation('bad-format', 'a CDATA section between stanzas');
      if (start === CDATA_OPEN) return this.cdataEnd(at);
      if (CDATA_OPEN.startsWith(start)) return -1;
    }
    throw new XmlViolation('not-well-formed', `'<!' starts no construct XML allows here`);
  }

  /** Past the `]]>` that ends the CDATA section at `at`, or -1. */
  private cdataEnd(at: number): number {
    const from = this.open?.at === at ? this.open.from : at + CDATA_OPEN.length;
    const close = this.buf.indexOf(']]>', from);
    if (close !== -1) {
      this.open = undefined;
      return close + 3;
    }
    // The `]]>` may begin in what was read: search again from its possible start.
    this.open = { at, from: Math.max(from, this.buf.length - 2), quote: undefined };
    return -1;
  }

  private stanzaEnd(end: number): void {
    const { maxBytes, maxDepth } = this.limits;
    if (this.overLimit === undefined && this.bytesOver(this.stanzaStart, end, maxBytes)) this.stop('bytes');
    if (this.overLimit === undefined) {
      this.hold('stanza', this.withHeaderDeclarations(this.buf.slice(this.stanzaStart, end)));
    } else {
      const limitValue = this.overLimit === 'bytes' ? maxBytes : maxDepth;
      this.hold('over-limit', new StanzaOverLimit(this.overLimit, limitValue, this.head));
    }
    this.inStanza = false;
    this.headEnd = -1;
    this.overLimit = this.head = undefined;
    this.boundary = end;
    this.droppedSinceBoundary = 0;
  }

  /** The stanza is over a limit: its head is kept when its start tag fits, its text is let go. */
  private stop(limit: StanzaLimit): void {
    this.overLimit = limit;
    if (this.headEnd === -1 || this.bytesOver(this.stanzaStart, this.headEnd, this.limits.maxBytes)) return;
    const tag = this.buf.slice(this.stanzaStart, this.headEnd);
    const selfClosed = tag.endsWith('/>') ? tag : `${tag.slice(0, -1)}/>`;
    // The start tag is checked as the stream parser checks it; a refusal ends the stream.
    this.head = parseStanza(this.withHeaderDeclarations(selfClosed), { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 0 });
    this.head.parent = this.root!;
  }

  /** Are the UTF-8 bytes of `buf[from, to)` over `limit`? (A unit is at most 3 bytes.) */
  private bytesOver(from: number, to: number, limit: number): boolean {
    return (to - from) * 3 > limit && Buffer.byteLength(this.buf.slice(from, to), 'utf8') > limit;
  }

  /** The stanza's text, with the header's declarations of the prefixes it uses added to its start tag. */
  private withHeaderDeclarations(text: string): string {
    if (this.headerPrefixUse === undefined || !this.mayUseHeaderPrefix(text) || !this.headerPrefixUse.test(text)) return text;
    const nameEnd = text.search(/[\s/>]/);
    const tag = text.slice(0, text.indexOf('>') + 1);
    let declarations = '';
    for (const [prefix, uri] of this.headerDeclarations) {
      if (!new RegExp(`\\sxmlns:${prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\s*=`).test(tag)) declarations += ` xmlns:${prefix}='${escapeAttribute(uri)}'`;
    }
    return text.slice(0, nameEnd) + declarations + text.slice(nameEnd);
  }

  /** A native search for `prefix:` first: the regular expression is for the rare text that has one. */
  private mayUseHeaderPrefix(text: string): boolean {
    for (const prefix of this.headerDeclarations.keys()) if (text.includes(`${prefix}:`)) return true;
    return false;
  }

  /** Lets go of what is done with: all but the open stanza (none of it when over a limit) or token. */
  private letGo(): void {
    const keepFrom = this.inStanza && this.overLimit === undefined ? this.stanzaStart : this.pos;
    if (keepFrom === 0) return;
    if (keepFrom > this.boundary) {
      this.droppedSinceBoundary += Buffer.byteLength(this.buf.slice(this.boundary, keepFrom), 'utf8');
      this.boundary = 0;
    } else {
      this.boundary -= keepFrom;
    }
    this.buf = this.buf.slice(keepFrom);
    this.pos -= keepFrom;
    this.stanzaStart -= keepFrom;
    if (this.headEnd !== -1) this.headEnd -= keepFrom;
    if (this.open) {
      this.open.at -= keepFrom;
      this.open.from -= keepFrom;
    }
  }

  private checkCutoff(): void {
    const held = this.droppedSinceBoundary + Buffer.byteLength(this.boundary === 0 ? this.buf : this.buf.slice(this.boundary), 'utf8');
    if (held > this.limits.cutoffBytes) {
      throw new XmlViolation('policy-violation', `${this.limits.cutoffBytes} bytes without a complete stanza (xmpp.stream_cutoff_bytes)`);
    }
  }
}

/** Where the name starting at `from` ends: at whitespace, `/` or `>` (TAG matched the tag). */
function nameEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x3e || c === 0x2f || c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) return i;
    i++;
  }
}

/** An attribute value written between single quotes (XML 1.0 §3.1 AttValue). */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');
}
