/**
 * A saxes parser held to what XMPP accepts: XML 1.0 well-formedness (saxes itself: tags,
 * attributes quoted and unique, characters allowed by XML 1.0 §2.2 raw or as references, entity
 * references only to the five predefined entities), plus RFC 6120 §11.1, which forbids comments,
 * processing instructions and DTDs on a stream, and §11.6, which makes UTF-8 the only encoding.
 * Every refusal is thrown as an XmlViolation out of `write()`; the parser is then discarded.
 */
import { SaxesParser, type SaxesAttributePlain, type SaxesTagPlain, type XMLDecl } from 'saxes';
import { checkDefaultNamespace } from './prefix-scope.js';
import { violationOfParserError, XmlViolation } from './xml-violation.js';

/** XML 1.0 rules whatever a declaration says: XML 1.1 would allow &#1; and the like. */
const OPTIONS = { xmlns: false, forceXMLVersion: true, defaultXMLVersion: '1.0' } as const;

export type StrictParser = SaxesParser<typeof OPTIONS>;

export interface StrictXmlHandlers {
  /** A start tag, its attributes in a plain object; `prefixedAttrs`: some attribute name has a colon. */
  open(name: string, attrs: Record<string, string>, prefixedAttrs: boolean): void;
  close(): void;
  /** Character data, CDATA sections included (RFC 6120 does not restrict them). */
  text(text: string): void;
}

/**
 * Where saxes 6 keeps each event's handler (saxes.js EVENT_NAME_TO_HANDLER_NAME). `on()` stores
 * them under computed names, and V8 turns the parser into a slow dictionary object from the 8th
 * property added that way (parsing a publish IQ then takes 100 µs instead of 9 µs, measured);
 * assigned by name, as here, the parser stays fast. `SLOTS_CHECKED` below proves the names right
 * when this module loads, so a saxes that moved them fails at once instead of parsing less strictly.
 */
interface HandlerSlots {
  xmldeclHandler?: (decl: XMLDecl) => void;
  textHandler?: (text: string) => void;
  piHandler?: (pi: { target: string }) => void;
  doctypeHandler?: (doctype: string) => void;
  commentHandler?: (comment: string) => void;
  attributeHandler?: (attribute: SaxesAttributePlain) => void;
  openTagHandler?: (tag: SaxesTagPlain) => void;
  closeTagHandler?: () => void;
  cdataHandler?: (cdata: string) => void;
  errorHandler?: (error: Error) => void;
}

const SLOT_OF_EVENT = {
  xmldecl: 'xmldeclHandler',
  text: 'textHandler',
  processinginstruction: 'piHandler',
  doctype: 'doctypeHandler',
  comment: 'commentHandler',
  attribute: 'attributeHandler',
  opentag: 'openTagHandler',
  closetag: 'closeTagHandler',
  cdata: 'cdataHandler',
  error: 'errorHandler',
} as const satisfies Record<string, keyof HandlerSlots>;

function checkSlots(): true {
  const probe = new SaxesParser(OPTIONS) as unknown as Record<string, unknown>;
  for (const [event, slot] of Object.entries(SLOT_OF_EVENT)) {
    const marker = (): void => {};
    (probe as unknown as StrictParser).on(event as 'text', marker);
    if (probe[slot] !== marker) throw new Error(`saxes no longer keeps its '${event}' handler in ${slot}: update strict-saxes.ts`);
  }
  return true;
}

const SLOTS_CHECKED = checkSlots();

export function strictParser(handlers: StrictXmlHandlers): StrictParser {
  const parser = new SaxesParser(OPTIONS);
  const slots = parser as unknown as HandlerSlots;
  // saxes reports each attribute, then the tag; its own attribute object has no prototype and is
  // slow to copy, so the attributes are collected here into a plain object (the Element's attrs).
  let attrs: Record<string, string> = {};
  let prefixed = false;
  slots.attributeHandler = ({ name, value }) => {
    attrs[name] = value;
    if (name.indexOf(':') !== -1) prefixed = true;
    else if (name === 'xmlns') checkDefaultNamespace(value);
  };
  slots.openTagHandler = (tag) => {
    const complete = attrs;
    const prefixedAttrs = prefixed;
    attrs = {};
    prefixed = false;
    handlers.open(tag.name, complete, prefixedAttrs);
  };
  slots.closeTagHandler = handlers.close;
  slots.textHandler = handlers.text;
  slots.cdataHandler = handlers.text;
  slots.errorHandler = (error) => {
    throw violationOfParserError(error);
  };
  slots.xmldeclHandler = (decl) => {
    if (decl.encoding !== undefined && decl.encoding.toLowerCase() !== 'utf-8') {
      throw new XmlViolation('unsupported-encoding', `encoding ${decl.encoding.slice(0, 32)}: XMPP is UTF-8 (RFC 6120 §11.6)`);
    }
  };
  slots.commentHandler = () => {
    throw new XmlViolation('restricted-xml', 'a comment (RFC 6120 §11.1)');
  };
  slots.piHandler = (pi) => {
    throw new XmlViolation('restricted-xml', `a processing instruction <?${pi.target.slice(0, 32)} (RFC 6120 §11.1)`);
  };
  slots.doctypeHandler = () => {
    throw new XmlViolation('restricted-xml', 'a document type declaration (RFC 6120 §11.1)');
  };
  return parser;
}

/**
 * A construct saxes reports only once it ends, and which a peer may never end: the stream would
 * be swallowed, silently, until the end came (or the cut-off). Read from saxes's state at the end
 * of each chunk, so that it is refused as soon as it starts:
 * - a comment or processing instruction (RFC 6120 §11.1, whatever comes next);
 * - a CDATA section (legal in a stanza, not between stanzas);
 * - a character or entity reference: `reference` is what follows the '&' so far.
 */
export type OpenConstruct = { kind: 'comment' | 'processing-instruction' | 'cdata' } | { kind: 'reference'; reference: string };

/** saxes 6's private parse state, as `OPEN_STATES` probed it. */
interface ParseState {
  state: number;
  entity: string;
}

const OPEN_STATES = probeOpenStates();

/** The state numbers saxes is in inside each construct, found by parsing the start of one. */
function probeOpenStates(): { comment: Set<number>; pi: Set<number>; cdata: Set<number>; reference: number } {
  const after = (text: string): ParseState => new SaxesParser(OPTIONS).write(text) as unknown as ParseState;
  const states = {
    comment: new Set(['<a><!--x', '<a><!--x-', '<a><!--x--'].map((t) => after(t).state)),
    pi: new Set(['<a><?', '<a><?x', '<a><?x ', '<a><?x ?'].map((t) => after(t).state)),
    cdata: new Set(['<a><![CDATA[x', '<a><![CDATA[x]', '<a><![CDATA[x]]'].map((t) => after(t).state)),
    reference: after('<a>&x').state,
  };
  const outside = new Set(['<a>', "<a b='x", '<a><b'].map((t) => after(t).state));
  const inside = [...states.comment, ...states.pi, ...states.cdata, states.reference];
  const reference = after("<a b='&#x1");
  if (inside.some((s) => typeof s !== 'number' || outside.has(s)) || reference.state !== states.reference || reference.entity !== '#x1') {
    throw new Error('saxes no longer keeps its parse state in `state` and `entity`: update strict-saxes.ts');
  }
  return states;
}

export function openConstruct(parser: StrictParser): OpenConstruct | undefined {
  const { state, entity } = parser as unknown as ParseState;
  if (state === OPEN_STATES.reference) return { kind: 'reference', reference: entity };
  if (OPEN_STATES.comment.has(state)) return { kind: 'comment' };
  if (OPEN_STATES.pi.has(state)) return { kind: 'processing-instruction' };
  if (OPEN_STATES.cdata.has(state)) return { kind: 'cdata' };
  return undefined;
}
