/**
 * A shard's side of RFC 6120 §4.9 ("the stream is closed ... nothing more is processed") for
 * the stanzas of one inbound stream, which the main thread spreads over the shards: each shard
 * reads (strictly parses) a stanza as it arrives, but acts on it only once no earlier stanza of
 * its stream can still turn out to be one the stream is closed for.
 *
 * A stanza arrives `free` when every earlier stanza of its stream not yet read is on this shard
 * (ahead of it here, read in order: a refusal among them is seen before it); otherwise it is
 * held until the main thread releases the stream up to it (`release`: every stanza up to there
 * was read without a stream error, on whichever shard). A stanza whose read is refused here (an
 * XmlViolation) drops every later stanza of its stream on this shard; the main thread tells the
 * other shards (`drop`). Dropped stanzas are answered HERALD_AFTER_STREAM_ERROR, never acted on.
 * Within a stream, stanzas are acted on in their order on the stream.
 */
import type { Element } from '@xmpp/xml';

interface Held {
  seq: number;
  stanza: Element;
  free: boolean;
}

interface StreamState {
  /** Read, not acted on yet, in stream order. */
  queue: Held[];
  /** The main thread released the stream up to this seq. */
  releasedTo: number;
  /** A stanza of the stream was refused: this seq and every later one are dropped. */
  refusedFrom: number | undefined;
  /** The main thread's `drop` came: no stanza of the stream is still on its way here. */
  ended: boolean;
}

export class HeldStanzas {
  private readonly streams = new Map<number, StreamState>();

  constructor(
    private readonly act: (seq: number, stanza: Element) => void,
    private readonly dropped: (seq: number) => void,
  ) {}

  /** Stanza `seq` of `stream` was read; acted on now if it may be, else held. */
  read(stream: number, seq: number, stanza: Element, free: boolean): void {
    const state = this.stateOf(stream);
    if (state.refusedFrom !== undefined && seq > state.refusedFrom) return this.dropped(seq);
    state.queue.push({ seq, stanza, free });
    this.pump(stream, state);
  }

  /** This shard's read of stanza `seq` found a stream error: later stanzas of its stream are dropped. */
  refused(stream: number, seq: number): void {
    this.refuseFrom(stream, this.stateOf(stream), seq);
  }

  /** The main thread: every stanza of `stream` up to `seq` was read without a stream error. */
  release(stream: number, seq: number): void {
    const state = this.streams.get(stream);
    if (!state) return;
    state.releasedTo = Math.max(state.releasedTo, seq);
    this.pump(stream, state);
  }

  /**
   * The main thread: stanza `seq` of `stream` was refused (here or on another shard). Every
   * stanza of the stream it sent here came before this message: what is held from `seq` on is
   * dropped, and the stream is forgotten once what is held before it was acted on.
   */
  drop(stream: number, seq: number): void {
    const state = this.streams.get(stream);
    if (!state) return;
    state.ended = true;
    this.refuseFrom(stream, state, seq);
  }

  /** Streams with state here (tests, diagnostics). */
  get size(): number {
    return this.streams.size;
  }

  private refuseFrom(stream: number, state: StreamState, seq: number): void {
    state.refusedFrom = Math.min(state.refusedFrom ?? seq, seq);
    const kept: Held[] = [];
    for (const held of state.queue) {
      if (held.seq >= seq) this.dropped(held.seq);
      else kept.push(held);
    }
    state.queue = kept;
    this.pump(stream, state);
  }

  private stateOf(stream: number): StreamState {
    let state = this.streams.get(stream);
    if (!state) this.streams.set(stream, (state = { queue: [], releasedTo: 0, refusedFrom: undefined, ended: false }));
    return state;
  }

  private pump(stream: number, state: StreamState): void {
    while (state.queue.length > 0) {
      const head = state.queue[0]!;
      if (!head.free && head.seq > state.releasedTo) break;
      state.queue.shift();
      this.act(head.seq, head.stanza);
    }
    // A refused stream is kept until the main thread's `drop`: stanzas of it may still be on their way.
    if (state.queue.length === 0 && (state.refusedFrom === undefined || state.ended)) this.streams.delete(stream);
  }
}
