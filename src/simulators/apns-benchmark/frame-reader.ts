/**
 * Reads a client's byte stream as HTTP/2 frames (RFC 9113 §3.4 preface, §4.1 frame header) in
 * whatever pieces TCP delivers: a frame split across chunks, many frames in one chunk. Only the
 * 9-byte headers are kept; payloads are skipped without being copied (the server needs none of
 * them, the HPACK header blocks included), except PING's 8 octets, which its ACK must echo.
 * A frame is handed on once its last payload byte has arrived.
 */
import { CLIENT_PREFACE, ErrorCode, FRAME_HEADER_BYTES, FrameType, MAX_FRAME_SIZE, PING_PAYLOAD_BYTES } from './frames.js';

/**
 * One complete frame. `ping` (PING frames only) is the reader's scratch buffer: read it before
 * returning.
 */
export type OnFrame = (type: number, flags: number, streamId: number, length: number, ping: Buffer | undefined) => void;

export class FrameReader {
  private prefaceSeen = 0;
  /** The current frame's header, when it came split across chunks. */
  private readonly header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerSeen = 0;
  /** The current frame, once its header is read; `left`: its payload octets still to come. */
  private inFrame = false;
  private type = 0;
  private flags = 0;
  private streamId = 0;
  private length = 0;
  private left = 0;
  private readonly ping = Buffer.alloc(PING_PAYLOAD_BYTES);

  constructor(private readonly onFrame: OnFrame) {}

  /**
   * Reads `chunk`, calling onFrame for every frame it completes. Returns an RFC 9113 §7 error
   * code if the client broke the protocol (then nothing more may be fed), else undefined.
   */
  feed(chunk: Buffer): number | undefined {
    const n = chunk.length;
    let i = 0;
    while (this.prefaceSeen < CLIENT_PREFACE.length) {
      if (i === n) return undefined;
      // RFC 9113 §3.4: a preface that is not this sequence is a connection error PROTOCOL_ERROR.
      if (chunk[i++] !== CLIENT_PREFACE[this.prefaceSeen++]) return ErrorCode.PROTOCOL_ERROR;
    }
    while (i < n) {
      if (!this.inFrame) {
        let h: Buffer;
        let at: number;
        if (this.headerSeen === 0 && n - i >= FRAME_HEADER_BYTES) {
          h = chunk; // the common case: the whole header is in this chunk
          at = i;
          i += FRAME_HEADER_BYTES;
        } else {
          const take = Math.min(FRAME_HEADER_BYTES - this.headerSeen, n - i);
          chunk.copy(this.header, this.headerSeen, i, i + take);
          this.headerSeen += take;
          i += take;
          if (this.headerSeen < FRAME_HEADER_BYTES) return undefined;
          this.headerSeen = 0;
          h = this.header;
          at = 0;
        }
        this.length = (h[at]! << 16) | (h[at + 1]! << 8) | h[at + 2]!;
        this.type = h[at + 3]!;
        this.flags = h[at + 4]!;
        this.streamId = h.readUInt32BE(at + 5) & 0x7fffffff;
        // RFC 9113 §4.2: larger than SETTINGS_MAX_FRAME_SIZE is a FRAME_SIZE_ERROR; §6.7: a PING
        // whose length is not 8 is one too.
        if (this.length > MAX_FRAME_SIZE) return ErrorCode.FRAME_SIZE_ERROR;
        if (this.type === FrameType.PING && this.length !== PING_PAYLOAD_BYTES) return ErrorCode.FRAME_SIZE_ERROR;
        this.left = this.length;
        this.inFrame = true;
      }
      const take = Math.min(this.left, n - i);
      if (this.type === FrameType.PING) chunk.copy(this.ping, this.length - this.left, i, i + take);
      i += take;
      this.left -= take;
      if (this.left > 0) return undefined;
      this.inFrame = false;
      this.onFrame(this.type, this.flags, this.streamId, this.length, this.type === FrameType.PING ? this.ping : undefined);
    }
    return undefined;
  }
}
