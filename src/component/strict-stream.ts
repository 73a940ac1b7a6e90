/**
 * The component stream read by Herald's strict, bounded StreamParser (xmpp/stream-parser.ts)
 * instead of @xmpp/connection 0.13's ltx parser, by replacing three of the connection's members:
 * - `Parser`, the class `open()` instantiates for each stream (`new this.Parser()`);
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

export interface StrictStreamHooks {
  /** A stanza over a limit, not built (the stream goes on). */
  overLimit(refusal: StanzaOverLimit): void;
  /** The stream cannot be read on; the parser is already detached. */
  violation(error: XmlViolation): void;
  /** Something threw while a chunk was read (a listener's bug): the stream must be dropped. */
  failure(error: unknown): void;
}

interface ConnectionInternals {
  Parser: new () => StreamParser;
  parser: StreamParser | null;
  _onData(data: Buffer): void;
  _onParserError(error: XmlViolation): void;
  _detachParser(): void;
}

export function readStreamStrictly(entity: Component, limits: StreamLimits, hooks: StrictStreamHooks): void {
  const connection = entity as unknown as ConnectionInternals;
  connection.Parser = class LinkStreamParser extends StreamParser {
    constructor() {
      super(limits);
      this.on('over-limit', hooks.overLimit);
    }
  };
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
