/**
 * The bytes of an XMPP stream as text: UTF-8 decoded in streaming mode (a character split
 * between two TCP segments is read whole), and bytes that are not UTF-8 refused, never replaced
 * (RFC 6120 §11.6). Shared by the stream's readers (stream-parser.ts, stanza-framer.ts).
 */
import { XmlViolation } from './xml-violation.js';

export class StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  decode(data: Buffer): string {
    try {
      return this.decoder.decode(data, { stream: true });
    } catch {
      throw new XmlViolation('unsupported-encoding', 'the stream is not valid UTF-8 (RFC 6120 §11.6)');
    }
  }
}
