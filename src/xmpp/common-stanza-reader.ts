/**
 * The stanzas peers actually send, read by a scanner that looks only at the characters of tags
 * (names from a table, `indexOf` for attribute values and text) where the strict parser
 * (strict-saxes.ts) runs a state machine over every character: for a publish IQ, most of a
 * shard's work outside HTTP/2 (figures in bench/micro).
 *
 * It reads a subset of XML 1.0 and says nothing about the rest: for any text outside the subset,
 * or that breaks a rule, it returns undefined and the strict parser reads the text again and
 * gives its verdict and its exact error. So it must never accept what the strict parser refuses,
 * and must build the same tree for what both accept (test/xmpp/common-stanza-reader.test.ts
 * checks both on the hostile corpus and on generated XML). The subset:
 * - characters: tab, LF, printable ASCII and U+00A0–U+FFFD (surrogate pairs included; lone ones
 *   are refused before); no CR, so no line-end normalisation (XML 1.0 §2.11), and no C1 controls;
 * - names: ASCII XML 1.0 §2.3 Names with at most one colon between two NCNames (Namespaces in
 *   XML §4), checked against their declarations by PrefixScope (§5, §6.3);
 * - start tags `<name attr="value" …>` or `…/>`, quotes either way, whitespace-separated,
 *   attribute names unique; values without `<`, their tabs and line feeds read as spaces (§3.3.3);
 * - references: only the five predefined entities (§4.6), in text and in values; no character
 *   references, no CDATA sections, comments, processing instructions or declarations;
 * - one element, with only whitespace around it; text never contains `]]>` (§2.4).
 */
import type { Element } from '@xmpp/xml';
import { checkDefaultNamespace, PrefixScope } from './prefix-scope.js';
import { StanzaBuilder } from './stanza-builder.js';
import { XmlViolation } from './xml-violation.js';

const OUTSIDE_SUBSET_CHARACTER = /[^\t\n\x20-\x7E\xA0-\uFFFD]/;
const OTHER_REFERENCE = /&(?!(?:amp|lt|gt|quot|apos);)/;
const PREDEFINED_ENTITY = /&(amp|lt|gt|quot|apos);/g;
const ENTITY_TEXT: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const TAB_OR_LINE_FEED = /[\t\n]/g;

const TAB = 0x09;
const LF = 0x0a;
const SPACE = 0x20;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const SLASH = 0x2f;
const COLON = 0x3a;
const LT = 0x3c;
const EQUALS = 0x3d;
const GT = 0x3e;

/** ASCII characters that may start an NCName (XML 1.0 §2.3 NameStartChar, colon aside). */
const NAME_START = new Uint8Array(128);
/** ASCII characters that may follow in one (NameChar, colon aside). */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
  NAME_START[c] = letter ? 1 : 0;
  NAME_CHAR[c] = letter || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e ? 1 : 0;
}

/** The stanza `text` holds, if it is in the subset and well-formed; otherwise undefined. */
export function readCommonStanza(text: string, maxDepth: number): Element | undefined {
  if (OUTSIDE_SUBSET_CHARACTER.test(text)) return undefined;
  try {
    return read(text, maxDepth);
  } catch (e) {
    // A namespace rule broken: the strict parser reads it again and names what comes first.
    if (e instanceof XmlViolation) return undefined;
    throw e;
  }
}

/**
 * Where the name starting at `pos` ends: an ASCII NCName, or two joined by one colon (Namespaces
 * in XML §4 QName); -1 if none starts there. Past the end `charCodeAt` is NaN, which ends a name.
 */
function nameEnd(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  if (!(c < 128 && NAME_START[c] === 1)) return -1;
  let colon = false;
  for (let i = pos + 1; ; i++) {
    c = text.charCodeAt(i);
    if (c < 128 && NAME_CHAR[c] === 1) continue;
    if (c !== COLON || colon) return i;
    colon = true;
    c = text.charCodeAt(++i);
    if (!(c < 128 && NAME_START[c] === 1)) return -1;
  }
}

/**
 * The attribute names of the start tag being read (the first `attrCount`): a tag has a handful,
 * and comparing a few short strings costs less than an `in` lookup on the attributes object.
 */
const attrNames: string[] = [];

/**
 * The attributes stanzas carry most: a name read from the text that is one of these is used as
 * the constant, which V8 has interned already; a key sliced from the text must be interned (hashed
 * and looked up) when it becomes a property, the costliest step of reading a tag.
 */
const COMMON_ATTRIBUTE_NAMES = ['xmlns', 'type', 'id', 'from', 'to', 'var', 'node', 'jid', 'xml:lang', 'label'];

function attributeName(text: string, start: number, end: number): string {
  const length = end - start;
  for (const name of COMMON_ATTRIBUTE_NAMES) if (name.length === length && text.startsWith(name, start)) return name;
  return text.slice(start, end);
}

function skipSpace(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  while (c === SPACE || c === LF || c === TAB) c = text.charCodeAt(++pos);
  return pos;
}

function read(text: string, maxDepth: number): Element | undefined {
  const builder = new StanzaBuilder(maxDepth);
  /** Names of the open elements, outermost first. */
  const open: string[] = [];
  /** Made at the first prefixed name: until then no prefix is declared or used. */
  let scope: PrefixScope | undefined;
  let pos = skipSpace(text, 0);
  for (;;) {
    if (text.charCodeAt(pos) !== LT) return undefined;
    if (text.charCodeAt(pos + 1) === SLASH) {
      // An end tag: `</name S? >` naming the innermost open element (XML 1.0 §3.1 [42], [GIMatch]).
      const end = nameEnd(text, pos + 2);
      if (end === -1 || text.slice(pos + 2, end) !== open[open.length - 1]) return undefined;
      pos = skipSpace(text, end);
      if (text.charCodeAt(pos) !== GT) return undefined;
      pos++;
      open.pop();
      scope?.leave(open.length);
      if (builder.close()) break;
    } else {
      // A start tag: `<name (S attribute)* S? (/)?>` (XML 1.0 §3.1 [40], [44]).
      const end = nameEnd(text, pos + 1);
      if (end === -1) return undefined;
      const name = text.slice(pos + 1, end);
      const attrs: Record<string, string> = {};
      let attrCount = 0;
      let prefixed = false;
      let selfClosing = false;
      pos = end;
      for (;;) {
        const spaced = skipSpace(text, pos);
        const c = text.charCodeAt(spaced);
        if (c === GT) {
          pos = spaced + 1;
          break;
        }
        if (c === SLASH) {
          if (text.charCodeAt(spaced + 1) !== GT) return undefined;
          pos = spaced + 2;
          selfClosing = true;
          break;
        }
        // An attribute `name S? = S? quoted-value`, after at least one space (§3.1 [41], [10]).
        if (spaced === pos) return undefined;
        const attrEnd = nameEnd(text, spaced);
        if (attrEnd === -1) return undefined;
        const attrName = attributeName(text, spaced, attrEnd);
        for (let i = 0; i < attrCount; i++) if (attrNames[i] === attrName) return undefined; // §3.1 WFC: Unique Att Spec
        attrNames[attrCount++] = attrName;
        const equals = skipSpace(text, attrEnd);
        if (text.charCodeAt(equals) !== EQUALS) return undefined;
        const valueStart = skipSpace(text, equals + 1);
        const quote = text.charCodeAt(valueStart);
        if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return undefined;
        const close = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", valueStart + 1);
        if (close === -1) return undefined;
        const value = attributeValue(text.slice(valueStart + 1, close));
        if (value === undefined) return undefined;
        if (attrName.indexOf(':') !== -1) prefixed = true;
        else if (attrName === 'xmlns') checkDefaultNamespace(value);
        attrs[attrName] = value;
        pos = close + 1;
      }
      if (prefixed || name.indexOf(':') !== -1) scope ??= new PrefixScope();
      scope?.enter(open.length, name, attrs, prefixed);
      builder.open(name, attrs);
      if (builder.overLimit !== undefined) return undefined;
      if (selfClosing) {
        scope?.leave(open.length);
        if (builder.close()) break;
      } else {
        open.push(name);
      }
    }
    const next = text.indexOf('<', pos);
    if (next === -1) return undefined;
    if (next > pos) {
      const data = characterData(text.slice(pos, next));
      if (data === undefined) return undefined;
      builder.text(data);
    }
    pos = next;
  }
  return skipSpace(text, pos) === text.length ? builder.top : undefined;
}

/** XML 1.0 §2.4: `]]>` cannot appear in character data. */
function characterData(raw: string): string | undefined {
  if (raw.indexOf(']]>') !== -1) return undefined;
  return resolveEntities(raw);
}

/** XML 1.0 §3.3.3: each literal tab or line feed in an attribute value is read as a space. */
function attributeValue(raw: string): string | undefined {
  if (raw.indexOf('<') !== -1) return undefined; // §3.1 [10] AttValue
  const normalised = raw.indexOf('\t') === -1 && raw.indexOf('\n') === -1 ? raw : raw.replace(TAB_OR_LINE_FEED, ' ');
  return resolveEntities(normalised);
}

function resolveEntities(raw: string): string | undefined {
  if (raw.indexOf('&') === -1) return raw;
  if (OTHER_REFERENCE.test(raw)) return undefined;
  return raw.replace(PREDEFINED_ENTITY, (_, entity: string) => ENTITY_TEXT[entity]!);
}
