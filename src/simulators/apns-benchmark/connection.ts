/**
 * One client connection of the benchmark server, at the HTTP/2 frame level (RFC 9113) over the
 * TLS socket. Answers every request 200 once its stream ends (END_STREAM on HEADERS, on the
 * CONTINUATION that ends a header block, or on the last DATA), never looking inside a header
 * block or a body. It trusts its client: beyond framing errors it checks nothing, enforces no
 * stream limit (it only announces one) and keeps no per-stream state.
 */
import type { TLSSocket } from 'node:tls';
import { FrameReader } from './frame-reader.js';
import {
  DEFAULT_WINDOW,
  ErrorCode,
  Flag,
  FrameType,
  goawayFrame,
  PING_ACK_BYTES,
  PING_PAYLOAD_BYTES,
  SETTINGS_ACK,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
} from './frames.js';
import { OutputSlab } from './output-slab.js';
import { ResponseFrames } from './response-frame.js';

/**
 * SETTINGS_INITIAL_WINDOW_SIZE announced: what one stream may send before a stream WINDOW_UPDATE,
 * which this server never sends. Far above APNS's largest payload (5 KiB, VoIP), so a request
 * body never waits; a body larger than this would stall.
 */
const STREAM_WINDOW = 1024 * 1024;
/**
 * The connection window opened at the start (RFC 9113 §6.9: it starts at 65 535 and only a
 * WINDOW_UPDATE on stream 0 raises it). Twice the give-back step, so that a client always has at
 * least a step's worth of room while an update is on its way.
 */
export const CONNECTION_WINDOW = 2 * 1024 * 1024;
/** DATA octets given back on the connection window in one WINDOW_UPDATE, once that many arrived. */
const WINDOW_GIVE_BACK = 1024 * 1024;
/**
 * After ending the socket (the client's GOAWAY, a protocol error), how long to wait for the
 * client's own close before destroying the socket: a client that sent GOAWAY may stop reading
 * (Node's does once it has no streams left) and so never sees our end nor answers it.
 */
const CLOSE_LINGER_MS = 1_000;

export interface ConnectionSettings {
  maxConcurrentStreams: number;
  /** Answer this long after the request ended (0: at once, in the same write as the chunk's others). */
  latencyMs: number;
  responses: ResponseFrames;
  /** Called once per answer written. */
  onAnswered: () => void;
}

export class BenchmarkConnection {
  private readonly reader = new FrameReader((type, flags, streamId, length, ping) =>
    this.onFrame(type, flags, streamId, length, ping),
  );
  private readonly out = new OutputSlab();
  private firstAnswer = true;
  /** DATA octets received and not yet given back on the connection window. */
  private unreturned = 0;
  /** A header block continues in CONTINUATION frames (RFC 9113 §6.10): its stream, and whether it ends the stream. */
  private continuedStream = 0;
  private continuedEndsStream = false;
  /** For GOAWAY (RFC 9113 §6.8): the highest stream the client opened. */
  private lastStreamId = 0;
  /** With latency: the streams that ended in the current chunk, answered together later. */
  private ended: number[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private goingAway = false;
  private paused = false;

  constructor(
    private readonly socket: TLSSocket,
    private readonly s: ConnectionSettings,
  ) {
    // RFC 9113 §3.4: the server's preface is a SETTINGS frame, its first frame; the connection
    // window is opened right after it.
    this.out.append(settingsFrame({ maxConcurrentStreams: s.maxConcurrentStreams, initialWindowSize: STREAM_WINDOW }));
    this.out.append(windowUpdateFrame(0, CONNECTION_WINDOW - DEFAULT_WINDOW));
    this.flush();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A client that resets the connection mid-write is no news to a benchmark: the close follows.
    socket.on('error', () => {});
    socket.once('close', () => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.goingAway) return;
    const error = this.reader.feed(chunk);
    if (error !== undefined) {
      // RFC 9113 §5.4.1: a connection error is answered with GOAWAY, then the connection closes.
      this.out.append(goawayFrame(this.lastStreamId, error));
      this.goingAway = true;
    }
    if (this.ended.length > 0) this.answerLater();
    this.flush();
    if (this.goingAway && this.timers.size === 0) this.end();
  }

  private onFrame(type: number, flags: number, streamId: number, length: number, ping: Buffer | undefined): void {
    switch (type) {
      case FrameType.DATA:
        // RFC 9113 §6.9.1: the whole DATA payload, padding included, counts against the window.
        this.unreturned += length;
        if (this.unreturned >= WINDOW_GIVE_BACK) {
          this.out.append(windowUpdateFrame(0, this.unreturned));
          this.unreturned = 0;
        }
        if ((flags & Flag.END_STREAM) !== 0) this.requestEnded(streamId);
        return;
      case FrameType.HEADERS:
        if (streamId > this.lastStreamId) this.lastStreamId = streamId;
        if ((flags & Flag.END_HEADERS) === 0) {
          this.continuedStream = streamId;
          this.continuedEndsStream = (flags & Flag.END_STREAM) !== 0;
        } else if ((flags & Flag.END_STREAM) !== 0) {
          this.requestEnded(streamId);
        }
        return;
      case FrameType.CONTINUATION:
        // RFC 9113 §6.10: END_STREAM was on the HEADERS frame; the block ends with END_HEADERS.
        if ((flags & Flag.END_HEADERS) !== 0 && streamId === this.continuedStream) {
          this.continuedStream = 0;
          if (this.continuedEndsStream) this.requestEnded(streamId);
        }
        return;
      case FrameType.SETTINGS:
        // RFC 9113 §6.5.3: acknowledge the client's settings. None of them matters here: this
        // server sends no DATA and no pushes, its header blocks are tiny and use no dynamic table.
        if ((flags & Flag.ACK) === 0) this.out.append(SETTINGS_ACK);
        return;
      case FrameType.PING:
        // RFC 9113 §6.7: "MUST send a PING frame with the ACK flag set … with an identical payload".
        if ((flags & Flag.ACK) === 0) {
          this.out.reserve(PING_ACK_BYTES);
          const at = writeFrameHeader(this.out.buf, this.out.end, PING_PAYLOAD_BYTES, FrameType.PING, Flag.ACK, 0);
          this.out.end = at + ping!.copy(this.out.buf, at);
        }
        return;
      case FrameType.GOAWAY:
        // The client is leaving: answer what has ended (onData flushes first), then close.
        this.goingAway = true;
        return;
      default:
        // PRIORITY, RST_STREAM, WINDOW_UPDATE (this server sends no DATA), and unknown types
        // (RFC 9113 §5.5: "MUST ignore and discard").
        return;
    }
  }

  private requestEnded(streamId: number): void {
    if (this.s.latencyMs > 0) this.ended.push(streamId);
    else this.answer(streamId);
  }

  private answer(streamId: number): void {
    const bytes = this.firstAnswer ? ResponseFrames.FIRST_BYTES : ResponseFrames.NEXT_BYTES;
    this.out.reserve(bytes);
    this.out.end = this.s.responses.write(this.out.buf, this.out.end, streamId, this.firstAnswer);
    this.firstAnswer = false;
    this.s.onAnswered();
  }

  /** One timer per chunk: the streams that ended in it are answered together, in one write. */
  private answerLater(): void {
    const streams = this.ended;
    this.ended = [];
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.socket.destroyed) return;
      for (const id of streams) this.answer(id);
      this.flush();
      if (this.goingAway && this.timers.size === 0) this.end();
    }, this.s.latencyMs);
    this.timers.add(timer);
  }

  /** Ends our side once everything is written, and lets go of the socket CLOSE_LINGER_MS later. */
  private end(): void {
    if (this.socket.writableEnded) return;
    this.socket.end();
    const linger = setTimeout(() => this.socket.destroy(), CLOSE_LINGER_MS);
    linger.unref();
    this.socket.once('close', () => clearTimeout(linger));
  }

  /** Writes what the chunk produced; stops reading while the client does not read (backpressure). */
  private flush(): void {
    const bytes = this.out.take();
    if (bytes === undefined || this.socket.destroyed || this.socket.writableEnded) return;
    if (!this.socket.write(bytes) && !this.paused) {
      this.paused = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.paused = false;
        this.socket.resume();
      });
    }
  }
}
