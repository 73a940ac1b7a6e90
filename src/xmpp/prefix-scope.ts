/**
 * Namespaces in XML 1.0 (W3C, third edition) well-formedness, for a parser that does not resolve
 * namespaces itself (saxes with `xmlns: false`: ~9 µs per publish IQ instead of ~14 µs). Herald
 * reads namespaces as ltx does, through `xmlns` attributes; what it must refuse is a document a
 * namespace-aware reader would reject:
 * - §3 NSC "Reserved Prefixes and Namespace Names": `xmlns` is never declared, `xml` only to its
 *   namespace, no other prefix to either reserved namespace, neither of them as default namespace;
 * - §3 "Prefix Undeclaring": `xmlns:p=""` is an error in XML 1.0;
 * - §4 QName: at most one colon, a non-empty prefix and an NCName local part;
 * - §5 NSC "Prefix Declared": every prefix used on an element or attribute is declared in scope
 *   (RFC 6120 §4.9.3.2 bad-namespace-prefix otherwise);
 * - §6.3 NSC "Attributes Unique": no two attributes with the same local name and namespace.
 */
import { XmlViolation } from './xml-violation.js';

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export class PrefixScope {
  /** prefix → the namespaces declared for it by the open elements, innermost last. */
  private readonly bindings = new Map<string, string[]>();
  /** The open elements that declared prefixes: their level and what they declared. */
  private readonly frames: Array<{ level: number; prefixes: string[] }> = [];

  /**
   * Checks the start tag of the element opened at `level` (0 for the document element) and brings
   * its declarations into scope. `prefixedAttrs`: some attribute name has a colon (the parser
   * knows it for free; without one the attributes need no look, `xmlns` being checked by
   * `checkDefaultNamespace` as it is read). Throws XmlViolation.
   */
  enter(level: number, name: string, attrs: Readonly<Record<string, string>>, prefixedAttrs: boolean): void {
    if (prefixedAttrs) this.declare(level, attrs);
    const colon = name.indexOf(':');
    if (colon !== -1) {
      const prefix = prefixOf(name, colon);
      if (prefix === 'xmlns') throw new XmlViolation('not-well-formed', `the element <${name}> uses the reserved prefix xmlns`);
      this.require(prefix, name);
    }
    if (prefixedAttrs) this.checkAttributes(attrs);
  }

  /** The element at `level` closed: its declarations go out of scope. */
  leave(level: number): void {
    const top = this.frames[this.frames.length - 1];
    if (top === undefined || top.level !== level) return;
    this.frames.pop();
    for (const prefix of top.prefixes) {
      const stack = this.bindings.get(prefix)!;
      stack.pop();
      if (stack.length === 0) this.bindings.delete(prefix);
    }
  }

  /** The namespace `prefix` is bound to here, if any (`xml` is always bound). */
  uriOf(prefix: string): string | undefined {
    if (prefix === 'xml') return XML_NAMESPACE;
    const stack = this.bindings.get(prefix);
    return stack?.[stack.length - 1];
  }

  /** Brings the element's `xmlns:prefix` declarations into scope (§3). */
  private declare(level: number, attrs: Readonly<Record<string, string>>): void {
    let declared: string[] | undefined;
    for (const attr in attrs) {
      const colon = attr.indexOf(':');
      if (colon === -1 || prefixOf(attr, colon) !== 'xmlns') continue;
      const prefix = attr.slice(colon + 1);
      const uri = attrs[attr]!;
      checkDeclaration(prefix, uri);
      (declared ??= []).push(prefix);
      const stack = this.bindings.get(prefix);
      if (stack) stack.push(uri);
      else this.bindings.set(prefix, [uri]);
    }
    if (declared) this.frames.push({ level, prefixes: declared });
  }

  private require(prefix: string, name: string): string {
    const uri = this.uriOf(prefix);
    if (uri === undefined) throw new XmlViolation('bad-namespace-prefix', `the prefix of ${name} is not declared`);
    return uri;
  }

  /** §5 and §6.3 for the prefixed attributes (declarations excepted). */
  private checkAttributes(attrs: Readonly<Record<string, string>>): void {
    const expanded = new Set<string>();
    for (const name in attrs) {
      const colon = name.indexOf(':');
      if (colon === -1 || name.startsWith('xmlns:')) continue;
      const uri = this.require(name.slice(0, colon), name);
      const key = `{${uri}}${name.slice(colon + 1)}`;
      if (expanded.has(key)) throw new XmlViolation('not-well-formed', `two attributes are named ${key}`);
      expanded.add(key);
    }
  }
}

/** The prefix of a QName with a colon at `colon`; throws if the name is no QName (§4). */
function prefixOf(name: string, colon: number): string {
  if (colon === 0 || colon === name.length - 1 || name.indexOf(':', colon + 1) !== -1 || !startsNcName(name.charCodeAt(colon + 1))) {
    throw new XmlViolation('not-well-formed', `${name} is not a qualified name`);
  }
  return name.slice(0, colon);
}

/**
 * saxes checked the whole name against XML 1.0's Name; a local part must also start like one,
 * so what XML 1.0 §2.3 allows only after the first character (digits, '-', '.', U+00B7,
 * U+0300–U+036F, U+203F–U+2040) cannot follow the colon.
 */
function startsNcName(code: number): boolean {
  return !(
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0xb7 ||
    (code >= 0x300 && code <= 0x36f) ||
    code === 0x203f ||
    code === 0x2040
  );
}

/** §3: neither reserved namespace can be the default one (`xmlns='…'`). */
export function checkDefaultNamespace(uri: string): void {
  if (uri === XML_NAMESPACE || uri === XMLNS_NAMESPACE) {
    throw new XmlViolation('not-well-formed', `${uri} cannot be the default namespace`);
  }
}

function checkDeclaration(prefix: string, uri: string): void {
  if (prefix === 'xmlns') throw new XmlViolation('not-well-formed', 'the prefix xmlns cannot be declared');
  if (uri === '') throw new XmlViolation('not-well-formed', `xmlns:${prefix} is empty (XML 1.0 has no prefix undeclaring)`);
  if ((prefix === 'xml') !== (uri === XML_NAMESPACE) || uri === XMLNS_NAMESPACE) {
    throw new XmlViolation('not-well-formed', `xmlns:${prefix} binds a reserved prefix or namespace`);
  }
}
