/**
 * The component stream read by StanzaFramer (xmpp/stanza-framer.ts) for a link whose sink takes
 * stanzas as text (a sharded Herald parses them on its shards): the events @xmpp/connection
 * expects of its Parser ('start', 'element', 'end', 'error'), with the stanzas (`<iq/>`,
 * `<message/>`, `<presence/>`, the names @xmpp/connection calls stanzas) handed over as text
 * instead of 'element'. What is not a stanza (the handshake's answer, the server's
 * `<stream:error/>`) is rare and is parsed here, strictly, into the Element the connection reads.
 */
import { EventEmitter } from 'node:events';
import type { Element } from '@xmpp/xml';
import { parseStanza } from '../xmpp/parse.js';
import type { StanzaLimits } from '../xmpp/stanza-limits.js';
import { StanzaFramer } from '../xmpp/stanza-framer.js';
import type { StreamLimits, StreamParserEvents } from '../xmpp/stream-parser.js';
import { XmlViolation } from '../xmpp/xml-violation.js';

/** RFC 6120 §8: the three stanza kinds (named as @xmpp/connection's `isStanza` names them). */
const STANZA_START = /^<(?:iq|message|presence)[\s/>]/;

export class FramedStreamReader extends EventEmitter<StreamParserEvents> {
  private readonly framer: StanzaFramer;
  private readonly limits: StanzaLimits;
  private root: Element | undefined;
  /** An 'error' was emitted: nothing more is. */
  private failed = false;

  constructor(limits: StreamLimits, onStanzaText: (text: string) => void) {
    super();
    this.limits = { maxBytes: limits.maxBytes, maxDepth: limits.maxDepth };
    this.framer = new StanzaFramer(limits);
    this.framer.on('start', (root) => {
      this.root = root;
      this.emit('start', root);
    });
    this.framer.on('stanza', (text) => {
      if (this.failed) return;
      if (STANZA_START.test(text)) onStanzaText(text);
      else this.nonza(text);
    });
    this.framer.on('over-limit', (refusal) => {
      if (!this.failed) this.emit('over-limit', refusal);
    });
    this.framer.on('end', (root) => {
      if (!this.failed) this.emit('end', root);
    });
    this.framer.on('error', (error) => this.fail(error));
  }

  write(data: Buffer | string): void {
    if (!this.failed) this.framer.write(data);
  }

  private nonza(text: string): void {
    let element: Element;
    try {
      element = parseStanza(text, this.limits);
    } catch (e) {
      // The framer enforced the limits already: only a malformed element is left to refuse.
      if (e instanceof XmlViolation) return this.fail(e);
      throw e;
    }
    element.parent = this.root!;
    this.emit('element', element);
  }

  private fail(error: XmlViolation): void {
    if (this.failed) return;
    this.failed = true;
    // An 'error' without a listener would be thrown by EventEmitter: the stream's owner went away.
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
