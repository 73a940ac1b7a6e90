/**
 * The main thread's side of RFC 6120 §4.9 for stanzas a sharded Herald reads on its shards (the
 * shard's side, and why: held-stanzas.ts). The main thread hands each stanza of an inbound
 * stream to its shard at once, and knows per stream which stanzas are not read yet and where
 * they are. From that it tells each shard:
 * - with the stanza, whether it is `free`: every earlier unread stanza of its stream is on the
 *   same shard (which reads them first, in order), so it may be acted on as soon as it is read;
 * - `release` up to the last stanza before the first unread one: all read without a stream error;
 * - `drop` from a refused stanza: it and everything after it on its stream is never acted on.
 * One stanza in flight at a time (a quiet stream) is always free: no wait is added.
 */
import type { InboundStream } from '../xmpp/inbound-stream.js';
import type { ToShard } from './shard-protocol.js';

interface Gate {
  stream: number;
  /** Stanzas handed over and not read yet: seq → shard (in seq order: Maps keep insertion order). */
  unread: Map<number, number>;
  /** Of those, how many on each shard. */
  unreadOn: number[];
  /** The last seq handed over. */
  lastSent: number;
  /** Released up to this seq. */
  released: number;
  /** Per shard, the last held (not free) seq sent to it and not yet released. */
  heldUpTo: Map<number, number>;
  /** The first refused seq: nothing from it on is acted on, later stanzas are refused here. */
  refusedFrom: number | undefined;
}

export class StreamGates {
  private readonly gates = new WeakMap<InboundStream, Gate>();
  /** The gate of each seq handed over and not yet read. */
  private readonly bySeq = new Map<number, Gate>();
  /** Gates with reads not yet turned into releases. */
  private readonly dirty = new Set<Gate>();

  constructor(
    private readonly shardCount: number,
    private readonly send: (shard: number, item: ToShard) => void,
  ) {}

  /** Whether the stream was refused already (the stanza is then not handed over). */
  refused(stream: InboundStream): boolean {
    return this.gates.get(stream)?.refusedFrom !== undefined;
  }

  /** The item that hands stanza `seq` of `stream` to `shard`. */
  handOver(stream: InboundStream, seq: number, shard: number, text: string): ToShard {
    const gate = this.gateOf(stream);
    const free = gate.unread.size === gate.unreadOn[shard];
    gate.unread.set(seq, shard);
    gate.unreadOn[shard]!++;
    gate.lastSent = seq;
    if (!free) gate.heldUpTo.set(shard, seq);
    this.bySeq.set(seq, gate);
    return ['streamed', seq, text, gate.stream, free];
  }

  /**
   * Stanza `seq` was read without a stream error (or will never be: its shard died). The
   * release it allows is sent by `flush`, once per batch of a shard's answers: one `release`
   * per stream and shard per batch, not one per stanza.
   */
  read(seq: number): void {
    const gate = this.settle(seq);
    if (gate) this.dirty.add(gate);
  }

  /** Sends the releases the reads since the last flush allow. */
  flush(): void {
    for (const gate of this.dirty) this.releaseReady(gate);
    this.dirty.clear();
  }

  /** Stanza `seq` was refused for a stream error: every shard drops it and what followed on its stream. */
  refuse(seq: number): void {
    const gate = this.settle(seq);
    if (!gate) return;
    if (gate.refusedFrom !== undefined && gate.refusedFrom <= seq) return;
    gate.refusedFrom = seq;
    for (const [later, shard] of gate.unread) {
      if (later < seq) continue;
      gate.unread.delete(later);
      gate.unreadOn[shard]!--;
      this.bySeq.delete(later);
    }
    for (let shard = 0; shard < this.shardCount; shard++) this.send(shard, ['drop', gate.stream, seq]);
    this.releaseReady(gate);
  }

  /** Whether `seq` waits for its read (a stanza of a stream). */
  has(seq: number): boolean {
    return this.bySeq.has(seq);
  }

  private settle(seq: number): Gate | undefined {
    const gate = this.bySeq.get(seq);
    if (!gate) return undefined;
    this.bySeq.delete(seq);
    const shard = gate.unread.get(seq);
    if (shard !== undefined) {
      gate.unread.delete(seq);
      gate.unreadOn[shard]!--;
    }
    return gate;
  }

  private releaseReady(gate: Gate): void {
    let upTo = gate.lastSent;
    for (const first of gate.unread.keys()) {
      upTo = first - 1;
      break;
    }
    if (gate.refusedFrom !== undefined) upTo = Math.min(upTo, gate.refusedFrom - 1);
    if (upTo <= gate.released) return;
    gate.released = upTo;
    for (const [shard, held] of gate.heldUpTo) {
      this.send(shard, ['release', gate.stream, upTo]);
      if (held <= upTo) gate.heldUpTo.delete(shard);
    }
  }

  private gateOf(stream: InboundStream): Gate {
    let gate = this.gates.get(stream);
    if (!gate) {
      gate = { stream: stream.id, unread: new Map(), unreadOn: new Array<number>(this.shardCount).fill(0), lastSent: 0, released: 0, heldUpTo: new Map(), refusedFrom: undefined };
      this.gates.set(stream, gate);
    }
    return gate;
  }
}
