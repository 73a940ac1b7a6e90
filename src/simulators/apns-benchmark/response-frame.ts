/**
 * The one answer the benchmark server gives: a HEADERS frame with END_STREAM|END_HEADERS whose
 * header block is `:status: 200` and `apns-id: <UUID>`, i.e. APNS's success answer (a 200 with
 * no body and an apns-id; reference apns-fcm.md), copied from a prebuilt template.
 *
 * The one difference from Apple: APNS echoes the request's apns-id, and this server never decodes
 * the request's header block (that is what keeps it cheap), so it sends an id of its own instead:
 * UUID-shaped, a random per-server prefix and a 48-bit counter, unique per server.
 */
import { randomUUID } from 'node:crypto';
import { Flag, FRAME_HEADER_BYTES, FrameType, writeFrameHeader } from './frames.js';

/** RFC 7541 §6.1 indexed field, static-table index 8 (Appendix A): `:status: 200`. */
const STATUS_200 = 0x88;
/** RFC 7541 §6.2.2 literal header field without indexing, new name (first octet 0000 0000). */
const LITERAL_NEW_NAME = 0x00;
/**
 * RFC 7541 §6.3 dynamic table size update to 0, at the start of each connection's first answer:
 * this encoder never adds to its table, and announcing size 0 keeps it within any
 * SETTINGS_HEADER_TABLE_SIZE the client sets, without reading the client's SETTINGS (§4.2).
 */
const TABLE_SIZE_ZERO = 0x20;
const APNS_ID_NAME = 'apns-id';
/** 8-4-4-4-12 hex digits. */
const UUID_CHARS = 36;
/** The counter's share of the UUID: its last group, 12 hex digits (48 bits). */
const COUNTER_DIGITS = 12;
const COUNTER_LIMIT = 2 ** 48;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

export class ResponseFrames {
  /** Bytes of an answer: with the table size update (a connection's first) or without. */
  static readonly FIRST_BYTES = FRAME_HEADER_BYTES + blockLength(true);
  static readonly NEXT_BYTES = FRAME_HEADER_BYTES + blockLength(false);
  private readonly first: Buffer;
  private readonly next: Buffer;
  private counter = 0;

  /** `prefix`: the first 24 characters of the ids: 8, 4, 4 and 4 hex digits, each followed by a hyphen. */
  constructor(prefix = randomUUID().slice(0, UUID_CHARS - COUNTER_DIGITS)) {
    this.first = template(prefix, true);
    this.next = template(prefix, false);
  }

  /** Writes the answer for `streamId` at `at` in `into`; returns the offset after it. */
  write(into: Buffer, at: number, streamId: number, firstOnConnection: boolean): number {
    const t = firstOnConnection ? this.first : this.next;
    t.copy(into, at);
    into.writeUInt32BE(streamId & 0x7fffffff, at + 5);
    const end = at + t.length;
    // 48 bits do not fit JavaScript's 32-bit bit operators: two 24-bit halves of 6 digits each.
    const n = this.counter;
    this.counter = (n + 1) % COUNTER_LIMIT;
    let low = n % 2 ** 24;
    let high = Math.floor(n / 2 ** 24);
    for (let i = 1; i <= 6; i++) {
      into[end - i] = HEX[low & 0xf]!;
      low >>>= 4;
      into[end - 6 - i] = HEX[high & 0xf]!;
      high >>>= 4;
    }
    return end;
  }
}

function blockLength(first: boolean): number {
  // [size update] + :status + literal marker + name length + name + value length + value
  return (first ? 1 : 0) + 1 + 1 + 1 + APNS_ID_NAME.length + 1 + UUID_CHARS;
}

function template(prefix: string, first: boolean): Buffer {
  if (prefix.length !== UUID_CHARS - COUNTER_DIGITS) throw new Error(`apns-id prefix must be ${UUID_CHARS - COUNTER_DIGITS} characters`);
  const length = blockLength(first);
  const out = Buffer.alloc(FRAME_HEADER_BYTES + length);
  let at = writeFrameHeader(out, 0, length, FrameType.HEADERS, Flag.END_STREAM | Flag.END_HEADERS, 0);
  if (first) out[at++] = TABLE_SIZE_ZERO;
  out[at++] = STATUS_200;
  out[at++] = LITERAL_NEW_NAME;
  // RFC 7541 §5.2 string literals: H bit 0 (not Huffman-coded), 7-bit prefix length (both < 127).
  out[at++] = APNS_ID_NAME.length;
  at += out.write(APNS_ID_NAME, at, 'latin1');
  out[at++] = UUID_CHARS;
  out.write(prefix.padEnd(UUID_CHARS, '0'), at, 'latin1');
  return out;
}
