/**
 * What the stream's two readers share (stream-parser.ts parses stanzas, stanza-framer.ts cuts
 * them out as text): bytes in, decoded as UTF-8 (stream-decoder.ts) and read by the subclass;
 * the first XmlViolation refuses the stream with one 'error', after which nothing more is read.
 * Events wait until the reader is done with a chunk, so a listener never runs inside it (and
 * may write to the stream, or drop it, from its handler).
 */
import { EventEmitter } from 'node:events';
import { StreamDecoder } from './stream-decoder.js';
import { XmlViolation } from './xml-violation.js';

/** Event names and their arguments, as EventEmitter<Events> types them. */
type EventArgs<Events> = Record<keyof Events, unknown[]>;

/** One event with its arguments. */
type Emission<Events extends EventArgs<Events>> = { [K in keyof Events]: [K, ...Events[K]] }[keyof Events];

export abstract class StreamReader<Events extends EventArgs<Events> & { error: [XmlViolation] }> extends EventEmitter<Events> {
  private readonly decoder = new StreamDecoder();
  /** The stream ended or was refused: nothing more is read. */
  private done = false;
  /** Events held until the chunk being read is done (typed by hold()). */
  private held: [keyof Events, ...unknown[]][] = [];

  /** The peer's stream end tag was read (RFC 6120 §4.4). */
  protected abstract readonly ended: boolean;

  /** Reads decoded text, holding the events it finds; throws an XmlViolation to refuse the stream. */
  protected abstract read(text: string): void;

  /** Called when read() threw, before `ended` is looked at. */
  protected onViolation(): void {}

  /** Reads the next bytes of the stream (strings are taken as already decoded, for tests). */
  write(data: Buffer | string): void {
    if (this.done) return;
    try {
      this.read(typeof data === 'string' ? data : this.decoder.decode(data));
    } catch (e) {
      if (!(e instanceof XmlViolation)) throw e;
      this.onViolation();
      // RFC 6120 §4.4: after the stream's end tag nothing belongs to the stream.
      if (!this.ended) this.held.push(['error', e]);
      this.done = true;
    }
    if (this.ended) this.done = true;
    this.flush();
  }

  /** Holds an event until the chunk being read is done. */
  protected hold(...emission: Emission<Events>): void {
    this.held.push(emission);
  }

  private flush(): void {
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    const emitter = this as EventEmitter;
    for (const [event, value] of held) {
      // An 'error' without a listener would be thrown by EventEmitter: the stream's owner went away.
      if (event === 'error' && emitter.listenerCount('error') === 0) continue;
      emitter.emit(event as string, value);
    }
  }
}
