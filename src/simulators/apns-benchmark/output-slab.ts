/**
 * Where a connection's outgoing frames are built: appended into a preallocated slab, and taken
 * as one slice per input chunk, so that all the answers to one chunk leave in one socket.write
 * without a copy. A slice handed to the socket is never written again: the slab only moves
 * forward, and a new slab replaces it when it is full.
 */

/** Answers are 56 octets; one slab holds the answers to many chunks before it is replaced. */
const SLAB_BYTES = 64 * 1024;

export class OutputSlab {
  /** Write at `buf[end]` after `reserve`, then advance `end`. */
  buf = Buffer.allocUnsafe(SLAB_BYTES);
  end = 0;
  private start = 0;

  /** Makes room for `bytes` more octets at `end`, keeping what is not taken yet in front of it. */
  reserve(bytes: number): void {
    if (this.end + bytes <= this.buf.length) return;
    const pending = this.end - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (pending + bytes)));
    this.buf.copy(next, 0, this.start, this.end);
    this.buf = next;
    this.start = 0;
    this.end = pending;
  }

  append(frame: Buffer): void {
    this.reserve(frame.length);
    this.end += frame.copy(this.buf, this.end);
  }

  /** Everything appended since the last take, or undefined if nothing was. */
  take(): Buffer | undefined {
    if (this.end === this.start) return undefined;
    const out = this.buf.subarray(this.start, this.end);
    this.start = this.end;
    return out;
  }
}
