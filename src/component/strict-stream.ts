/**
 * The component stream read by Herald's strict, bounded StreamParser (xmpp/stream-parser.ts), or,
 * when the stanzas are to be handed over as text, by FramedStreamReader (framed-stream.ts: the
 * stanzas framed, not parsed), instead of @xmpp/connection 0.13's ltx parser, by replacing three
 * of the connection's members:
 * - `Parser`, the class `open()` instantiates for each stream (`new this.Parser()`), chosen
 *   anew for each stream;
 * - `_onData`, the socket 'data' listener. The library decodes each chunk on its own
 *   (`toString('utf8')`: a character split between two TCP segments is mangled, bytes that are
 *   not UTF-8 become U+FFFD); here the Buffer goes to the parser whole. It is bound anew for each
 *   socket, so patching the instance covers every connection. Nothing thrown while reading
 *   leaves it: a socket listener that throws would take the process down;
 * - `_onParserError`, which answers every parser error with bad-format and re-emits it as the
 *   connection's 'error'; here the link answers with the violation's own condition.
 */
import type { Component } from '@xmpp/component';
import type { StanzaOverLimit } from '../xmpp/stanza-limits.js';
import { StreamParser, type StreamLimits } from '../xmpp/stream-parser.js';
import type { XmlViolation } from '../xmpp/xml-violation.js';
import { FramedStreamReader } from './framed-stream.js';

export interface StrictStreamHooks {
  /** A stanza over a limit, not built (the stream goes on). */
  overLimit(refusal: StanzaOverLimit): void;
  /** The stream cannot be read on; the parser is already detached. */
  violation(error: XmlViolation): void;
  /** Something threw while a chunk was read (a listener's bug): the stream must be dropped. */
  failure(error: unknown): void;
  /** Should the stream about to open be framed, its stanzas handed to `stanzaText`? */
  framesText(): boolean;
  /** A stanza framed as text (RFC 6120 §8: an `<iq/>`, `<message/>` or `<presence/>`). */
  stanzaText(text: string): void;
}

type StreamReader = StreamParser | FramedStreamReader;

interface ConnectionInternals {
  Parser: new () => StreamReader;
  parser: StreamReader | null;
  _onData(data: Buffer): void;
  _onParserError(error: XmlViolation): void;
  _detachParser(): void;
}

export function readStreamStrictly(entity: Component, limits: StreamLimits, hooks: StrictStreamHooks): void {
  const connection = entity as unknown as ConnectionInternals;
  const LinkStreamParser = class extends StreamParser {
    constructor() {
      super(limits);
      this.on('over-limit', hooks.overLimit);
    }
  };
  const LinkStanzaFramer = class extends FramedStreamReader {
    constructor() {
      super(limits, hooks.stanzaText);
      this.on('over-limit', hooks.overLimit);
    }
  };
  Object.defineProperty(connection, 'Parser', { get: () => (hooks.framesText() ? LinkStanzaFramer : LinkStreamParser) });
  connection._onData = function (this: ConnectionInternals, data: Buffer): void {
    // No parser: the stream ended (RFC 6120 §4.4) or was refused; nothing more belongs to it.
    const parser = this.parser;
    if (!parser) return;
    try {
      parser.write(data);
    } catch (e) {
      hooks.failure(e);
    }
  };
  connection._onParserError = function (this: ConnectionInternals, error: XmlViolation): void {
    this._detachParser();
    hooks.violation(error);
  };
}

/** Reads nothing more of the current stream (a stanza of it was refused where it was parsed). */
export function stopReading(entity: Component): void {
  const connection = entity as unknown as ConnectionInternals;
  if (connection.parser) connection._detachParser();
}
