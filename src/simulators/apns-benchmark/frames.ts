/**
 * The few HTTP/2 frames the benchmark server writes, built as bytes (RFC 9113 §4.1 frame layout:
 * 24-bit length, 8-bit type, 8-bit flags, 1 reserved bit + 31-bit stream id, then the payload).
 * Pure: no I/O, no state.
 */

/** RFC 9113 §3.4: every client connection starts with these 24 octets. */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const FRAME_HEADER_BYTES = 9;

/** RFC 9113 §6 frame types. */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

/** RFC 9113 §6 flags (END_STREAM and ACK share bit 0; each frame type reads its own). */
export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
} as const;

/** RFC 9113 §6.5.2 setting identifiers. */
const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

/** RFC 9113 §7 error codes the server sends. */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  FRAME_SIZE_ERROR: 0x6,
} as const;

/**
 * RFC 9113 §6.5.2: SETTINGS_MAX_FRAME_SIZE starts at 16 384 and this server never raises it, so
 * a longer frame from a client is a FRAME_SIZE_ERROR (§4.2).
 */
export const MAX_FRAME_SIZE = 16_384;
/** RFC 9113 §6.9.1: every flow-control window starts at 65 535 octets, the connection's included. */
export const DEFAULT_WINDOW = 65_535;

/** Writes a frame header at `at` in `into` (RFC 9113 §4.1); returns the offset after it. */
export function writeFrameHeader(into: Buffer, at: number, length: number, type: number, flags: number, streamId: number): number {
  into[at] = (length >>> 16) & 0xff;
  into[at + 1] = (length >>> 8) & 0xff;
  into[at + 2] = length & 0xff;
  into[at + 3] = type;
  into[at + 4] = flags;
  into.writeUInt32BE(streamId & 0x7fffffff, at + 5);
  return at + FRAME_HEADER_BYTES;
}

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(out, 0, payload.length, type, flags, streamId);
  payload.copy(out, FRAME_HEADER_BYTES);
  return out;
}

/** RFC 9113 §6.5.1: identifier (16 bits) and value (32 bits) per setting. */
export function settingsFrame(o: { maxConcurrentStreams: number; initialWindowSize: number }): Buffer {
  const payload = Buffer.alloc(12);
  payload.writeUInt16BE(SETTINGS_MAX_CONCURRENT_STREAMS, 0);
  payload.writeUInt32BE(o.maxConcurrentStreams, 2);
  payload.writeUInt16BE(SETTINGS_INITIAL_WINDOW_SIZE, 6);
  payload.writeUInt32BE(o.initialWindowSize, 8);
  return frame(FrameType.SETTINGS, 0, 0, payload);
}

/** RFC 9113 §6.5.3: "ACK … the frame's frame payload MUST be empty". */
export const SETTINGS_ACK = frame(FrameType.SETTINGS, Flag.ACK, 0);

/** RFC 9113 §6.9: a 31-bit window size increment for `streamId` (0: the connection). */
export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment, 0);
  return frame(FrameType.WINDOW_UPDATE, 0, streamId, payload);
}

/** RFC 9113 §6.7: "PING frames … with the ACK flag set … with an identical frame payload". */
export const PING_PAYLOAD_BYTES = 8;
export const PING_ACK_BYTES = FRAME_HEADER_BYTES + PING_PAYLOAD_BYTES;

/** RFC 9113 §6.8: last stream id (none: this server initiates no streams) and an error code. */
export function goawayFrame(lastStreamId: number, errorCode: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  payload.writeUInt32BE(errorCode, 4);
  return frame(FrameType.GOAWAY, 0, 0, payload);
}
