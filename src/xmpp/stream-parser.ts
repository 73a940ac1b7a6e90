/**
 * The reader of an XMPP stream (RFC 6120 §4): bytes in, the stream header and one element per
 * stanza out, under the stanza limits, with the events @xmpp/connection expects of its Parser
 * ('start' with the header, 'element' per first-level element, 'end' at `</stream:stream>`,
 * 'error' when the stream cannot be read on), plus 'over-limit' for a stanza it did not build.
 *
 * What it guarantees, whatever the peer sends:
 * - bytes are decoded as UTF-8 in streaming mode (a character split between two TCP segments is
 *   read whole), and bytes that are not UTF-8 are an error (§11.6), never replaced;
 * - a stanza over `maxBytes` or `maxDepth` is not built: its top element's name and attributes
 *   are kept (when its start tag itself fits in `maxBytes`), the rest is read to its end tag and
 *   reported as 'over-limit', and the stream goes on;
 * - what is held is bounded: once `cutoffBytes` arrive without completing a stanza (one that
 *   never ends, an endless attribute, whitespace without end) the stream is refused with
 *   policy-violation, so memory and work per stream stay within that many bytes;
 * - nothing stalls it silently: a comment, a processing instruction, CDATA between stanzas or a
 *   reference that cannot be one is refused at the end of the chunk it starts in, not when (if
 *   ever) it ends;
 * - each refusal is one 'error' (an XmlViolation with its §4.9.3 condition), after which nothing
 *   more is read or emitted; events are emitted after the parser is done with a chunk, so a
 *   listener never runs inside the parser.
 */
import type { Element } from '@xmpp/xml';
import { PrefixScope } from './prefix-scope.js';
import { elementOf, StanzaBuilder } from './stanza-builder.js';
import { StanzaOverLimit, type StanzaLimits } from './stanza-limits.js';
import { openConstruct, strictParser, type StrictParser } from './strict-saxes.js';
import { StreamReader } from './stream-reader.js';
import { XmlViolation } from './xml-violation.js';

/** RFC 6120 §4.8.1: the namespace of the stream header. */
const NS_STREAM = 'http://etherx.jabber.org/streams';

export interface StreamLimits extends StanzaLimits {
  /** `xmpp.stream_cutoff_bytes`: bytes without a complete stanza at which the stream is refused. */
  cutoffBytes: number;
}

export interface StreamParserEvents {
  start: [Element];
  element: [Element];
  end: [Element];
  'over-limit': [StanzaOverLimit];
  error: [XmlViolation];
}

export class StreamParser extends StreamReader<StreamParserEvents> {
  private readonly parser: StrictParser;
  private readonly scope = new PrefixScope();
  private readonly builder: StanzaBuilder;
  private root: Element | undefined;
  /** Elements open: 0 before the header, 1 between stanzas, 2 and more inside one. */
  private level = 0;
  /**
   * Position of the end tag saxes last reported, until saxes moves on. saxes reports the element
   * an end tag closes before checking that the names match (and then fails), so an end tag takes
   * effect only once saxes has gone past it without failing.
   */
  private closeAt: number | undefined;
  /** Position of the stream's own end tag, once taken. */
  private endedAt: number | undefined;

  // Byte accounting. saxes counts UTF-16 units (`position`, from the stream's start); limits are
  // in UTF-8 bytes, so positions are turned into byte offsets within the chunk being read.
  /** The chunk being read, its first unit's position, its first byte's offset. */
  private chunk = '';
  private chunkStart = 0;
  private chunkByteStart = 0;
  /** The chunk is ASCII: units and bytes coincide. */
  private ascii = true;
  /** Last position converted within the chunk, and its byte offset from the chunk's start. */
  private convertedUnits = 0;
  private convertedBytes = 0;
  /** Where the last stanza (or the header) ended: the cut-off counts from here. */
  private boundaryByte = 0;
  /** Where the next stanza's `<` is, as far as known (after the last boundary or whitespace). */
  private nextStanzaByte = 0;
  private stanzaStartByte = 0;
  /** The current stanza's start tag ended within `maxBytes`: its head may be kept. */
  private headFits = true;

  constructor(private readonly limits: StreamLimits) {
    super();
    this.builder = new StanzaBuilder(limits.maxDepth);
    this.parser = strictParser({
      open: (name, attrs, prefixedAttrs) => this.onOpen(name, attrs, prefixedAttrs),
      close: () => this.onClose(),
      text: (text) => this.onText(text),
    });
  }

  protected get ended(): boolean {
    return this.endedAt !== undefined;
  }

  /** An error further on than the last end tag is not about that end tag: the end tag stands. */
  protected override onViolation(): void {
    if (this.closeAt !== undefined && this.parser.position > this.closeAt) this.takeClose();
  }

  protected read(text: string): void {
    if (text === '') return;
    const bytes = Buffer.byteLength(text, 'utf8');
    this.chunk = text;
    this.ascii = bytes === text.length;
    this.convertedUnits = this.convertedBytes = 0;
    this.parser.write(text);
    this.takeClose();
    this.chunkStart += text.length;
    this.chunkByteStart += bytes;
    this.chunk = '';
    if (this.endedAt !== undefined) return;
    if (this.level > 0) this.refuseOpenConstruct();
    // A stanza still open after the whole chunk holds every byte since its start.
    if (this.level >= 2 && this.builder.overLimit === undefined && this.chunkByteStart - this.stanzaStartByte > this.limits.maxBytes) {
      this.builder.stop('bytes');
    }
    if (this.chunkByteStart - this.boundaryByte > this.limits.cutoffBytes) {
      throw new XmlViolation(
        'policy-violation',
        `${this.limits.cutoffBytes} bytes without a complete stanza (xmpp.stream_cutoff_bytes)`,
      );
    }
  }

  /** See `openConstruct`: what the chunk left open, refused now if it cannot end well. */
  private refuseOpenConstruct(): void {
    const open = openConstruct(this.parser);
    if (open === undefined) return;
    switch (open.kind) {
      case 'comment':
        throw new XmlViolation('restricted-xml', 'a comment (RFC 6120 §11.1)');
      case 'processing-instruction':
        throw new XmlViolation('restricted-xml', 'a processing instruction (RFC 6120 §11.1)');
      case 'cdata':
        if (this.level === 1) throw new XmlViolation('bad-format', 'a CDATA section between stanzas');
        return;
      case 'reference':
        if (!maybeReference(open.reference)) throw new XmlViolation('not-well-formed', `'&' does not start a reference`);
        return;
    }
  }

  private onOpen(name: string, attrs: Record<string, string>, prefixedAttrs: boolean): void {
    this.takeClose();
    const level = this.level++;
    this.scope.enter(level, name, attrs, prefixedAttrs);
    if (level === 0) return this.openStream(name, attrs);
    if (level === 1) return this.openStanza(name, attrs);
    this.builder.open(name, attrs);
  }

  private openStream(name: string, attrs: Record<string, string>): void {
    // RFC 6120 §4.8.1: the header is <stream> in the stream namespace, else invalid-namespace.
    const colon = name.indexOf(':');
    const uri = colon === -1 ? attrs.xmlns : this.scope.uriOf(name.slice(0, colon));
    if (name.slice(colon + 1) !== 'stream' || uri !== NS_STREAM) {
      throw new XmlViolation('invalid-namespace', `the stream header <${name.slice(0, 64)}> is not <stream> of ${NS_STREAM}`);
    }
    this.root = elementOf(name, attrs);
    this.boundaryByte = this.nextStanzaByte = this.byteAt(this.parser.position);
    this.hold('start', this.root);
  }

  private openStanza(name: string, attrs: Record<string, string>): void {
    this.stanzaStartByte = this.nextStanzaByte;
    const stanza = this.builder.open(name, attrs)!;
    stanza.parent = this.root!;
    this.headFits = this.byteAt(this.parser.position) - this.stanzaStartByte <= this.limits.maxBytes;
    if (!this.headFits) this.builder.stop('bytes');
  }

  private onClose(): void {
    this.takeClose();
    this.closeAt = this.parser.position;
  }

  /** The end tag at `closeAt` was right: the element it closes ends there. */
  private takeClose(): void {
    const position = this.closeAt;
    if (position === undefined) return;
    this.closeAt = undefined;
    this.scope.leave(--this.level);
    if (this.level === 0) {
      // RFC 6120 §4.4: the peer closed its stream.
      this.endedAt = position;
      this.hold('end', this.root!);
      return;
    }
    if (!this.builder.close()) return;
    const end = this.byteAt(position);
    const { builder, limits } = this;
    if (builder.overLimit === undefined && end - this.stanzaStartByte > limits.maxBytes) builder.stop('bytes');
    if (builder.overLimit === undefined) {
      this.hold('element', builder.top!);
    } else {
      const limitValue = builder.overLimit === 'bytes' ? limits.maxBytes : limits.maxDepth;
      this.hold('over-limit', new StanzaOverLimit(builder.overLimit, limitValue, this.headFits ? builder.top : undefined));
    }
    builder.reset();
    this.boundaryByte = this.nextStanzaByte = end;
  }

  private onText(text: string): void {
    this.takeClose();
    if (this.level >= 2) {
      this.builder.text(text);
      return;
    }
    if (this.level === 0) return; // before the header saxes lets only whitespace through
    // RFC 6120 §4.7 defines no character data between stanzas; whitespace keeps connections alive.
    if (!isWhitespace(text)) throw new XmlViolation('bad-format', 'character data between stanzas');
    // saxes reports it on reading the next '<' (one byte), where the next stanza starts.
    this.nextStanzaByte = this.byteAt(this.parser.position) - 1;
  }

  /** The byte offset in the stream of a saxes position within the chunk being read. */
  private byteAt(position: number): number {
    const units = position - this.chunkStart;
    // Only a carriage return (one byte) that saxes held back from the previous chunk lies before it.
    if (units <= 0 || this.ascii) return this.chunkByteStart + units;
    if (units < this.convertedUnits) this.convertedUnits = this.convertedBytes = 0;
    this.convertedBytes += Buffer.byteLength(this.chunk.slice(this.convertedUnits, units), 'utf8');
    this.convertedUnits = units;
    return this.chunkByteStart + this.convertedBytes;
  }
}

/**
 * Longest text after '&' a reference can have before its ';' (XML 1.0 §4.1): the predefined entity
 * names have 4 characters at most, `#x10FFFF` 8; more leading zeros than this are not written by
 * any XMPP implementation, and an entity name this long cannot be predefined.
 */
const MAX_REFERENCE_CHARS = 16;

/**
 * Can `text`, read after a '&', still become a well-formed reference? Names are checked in ASCII:
 * a longer or non-ASCII name cannot be a predefined entity, and no other is accepted (§11.1).
 */
function maybeReference(text: string): boolean {
  return text.length <= MAX_REFERENCE_CHARS && /^(?:#x?[0-9a-fA-F]*|[A-Za-z_:][\w.:-]*)?$/.test(text);
}

function isWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // XML 1.0 §2.3 S; saxes has turned \r and \r\n into \n.
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
