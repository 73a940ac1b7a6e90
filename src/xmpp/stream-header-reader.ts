/**
 * The stream header (RFC 6120 §4.2, §4.8.1) read with the strict parser, for a reader that frames
 * the stanzas after it without parsing them (stanza-framer.ts). Whatever may come before the
 * header (an XML declaration, whitespace) is checked as StreamParser checks it: a comment, a
 * processing instruction or a DTD is restricted-xml (§11.1), a declared encoding other than UTF-8
 * unsupported-encoding (§11.6), a header outside the streams namespace invalid-namespace (§4.8.1).
 */
import type { Element } from '@xmpp/xml';
import { PrefixScope } from './prefix-scope.js';
import { elementOf } from './stanza-builder.js';
import { strictParser, type StrictParser } from './strict-saxes.js';
import { XmlViolation } from './xml-violation.js';

/** RFC 6120 §4.8.1: the namespace of the stream header. */
const NS_STREAM = 'http://etherx.jabber.org/streams';

export interface StreamHeader {
  root: Element;
  /** prefix → namespace for each `xmlns:prefix` the header declares (stanzas may use them). */
  prefixes: Map<string, string>;
  /** The header ended with `/>`: the stream is over as soon as it began. */
  selfClosed: boolean;
  /** What followed the header's `>` in the text read so far. */
  rest: string;
}

/** Thrown from the start-tag handler to stop saxes right after the header's `>`. */
const HEADER_READ = Symbol('header read');

export class StreamHeaderReader {
  private readonly parser: StrictParser;
  /** Every unit read so far: saxes positions count from the stream's start. */
  private text = '';
  private found: { name: string; attrs: Record<string, string>; prefixedAttrs: boolean } | undefined;

  constructor() {
    this.parser = strictParser({
      open: (name, attrs, prefixedAttrs) => {
        this.found = { name, attrs, prefixedAttrs };
        throw HEADER_READ;
      },
      close: () => {},
      // Before the root element saxes lets only whitespace through.
      text: () => {},
    });
  }

  /** The header once its `>` is read (throws XmlViolation for one XMPP refuses), else undefined. */
  read(chunk: string): StreamHeader | undefined {
    this.text += chunk;
    try {
      this.parser.write(chunk);
      return undefined;
    } catch (e) {
      if (e !== HEADER_READ) throw e;
    }
    const { name, attrs, prefixedAttrs } = this.found!;
    const end = this.parser.position;
    return { root: checkedRoot(name, attrs, prefixedAttrs), prefixes: declaredPrefixes(attrs), selfClosed: this.text[end - 2] === '/', rest: this.text.slice(end) };
  }
}

function checkedRoot(name: string, attrs: Record<string, string>, prefixedAttrs: boolean): Element {
  const scope = new PrefixScope();
  scope.enter(0, name, attrs, prefixedAttrs);
  // RFC 6120 §4.8.1: the header is <stream> in the stream namespace, else invalid-namespace.
  const colon = name.indexOf(':');
  const uri = colon === -1 ? attrs.xmlns : scope.uriOf(name.slice(0, colon));
  if (name.slice(colon + 1) !== 'stream' || uri !== NS_STREAM) {
    throw new XmlViolation('invalid-namespace', `the stream header <${name.slice(0, 64)}> is not <stream> of ${NS_STREAM}`);
  }
  return elementOf(name, attrs);
}

function declaredPrefixes(attrs: Record<string, string>): Map<string, string> {
  const prefixes = new Map<string, string>();
  for (const attr in attrs) {
    if (attr.startsWith('xmlns:')) prefixes.set(attr.slice(6), attrs[attr]!);
  }
  return prefixes;
}
