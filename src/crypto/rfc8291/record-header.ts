/**
 * The RFC 8188 §2.1 aes128gcm header as RFC 8291 §4 fills it:
 *
 *   +-----------+--------+-----------+---------------+
 *   | salt (16) | rs (4) | idlen (1) | keyid (idlen) |    keyid = as_public, 65 octets
 *   +-----------+--------+-----------+---------------+
 */
import { P256_POINT_BYTES } from '../p256.js';

export const SALT_BYTES = 16;
/** salt + rs + idlen + the application server's public key: 86 octets. */
export const HEADER_BYTES = SALT_BYTES + 4 + 1 + P256_POINT_BYTES;
/** AES-GCM tag, RFC 8188 §2: 16 octets per record. */
export const TAG_BYTES = 16;
/**
 * RFC 8030 §7.2: a push service MUST accept 4096 octets of payload body; RFC 8291 §4 asks for one
 * record, so the header, the record's tag and its padding delimiter (1) come out of those 4096.
 */
export const MAX_BODY_BYTES = 4_096;
export const MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - HEADER_BYTES - TAG_BYTES - 1; // 3993
/** rs written by the sender: 4096 as in RFC 8291 §5's example; the single record (≤ 4010 octets) fits. */
export const RECORD_SIZE = 4_096;
/** RFC 8188 §2: "rs ... MUST NOT be less than 18" (a tag, a delimiter and one octet). */
export const MIN_RECORD_SIZE = 18;

export interface RecordHeader {
  salt: Buffer;
  rs: number;
  keyId: Buffer;
}

export function writeHeader(salt: Buffer, asPublic: Buffer): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  salt.copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, SALT_BYTES);
  header.writeUInt8(asPublic.length, SALT_BYTES + 4);
  asPublic.copy(header, SALT_BYTES + 5);
  return header;
}

/** The header at the start of `body`, or the problem with it. */
export function readHeader(body: Buffer): { ok: true; header: RecordHeader; record: Buffer } | { ok: false; problem: string } {
  if (body.length < SALT_BYTES + 5) return { ok: false, problem: 'body shorter than an aes128gcm header' };
  const rs = body.readUInt32BE(SALT_BYTES);
  const idlen = body.readUInt8(SALT_BYTES + 4);
  const recordStart = SALT_BYTES + 5 + idlen;
  if (rs < MIN_RECORD_SIZE) return { ok: false, problem: `record size ${rs} under ${MIN_RECORD_SIZE}` };
  if (body.length < recordStart) return { ok: false, problem: 'body shorter than its key id' };
  const record = body.subarray(recordStart);
  // RFC 8291 §4: a single record, so the whole rest of the body is one record of at most rs octets.
  if (record.length > rs) return { ok: false, problem: `more than one record (rs ${rs}, ${record.length} octets follow the header)` };
  if (record.length < TAG_BYTES + 1) return { ok: false, problem: 'record shorter than a tag and a delimiter' };
  const header = { salt: body.subarray(0, SALT_BYTES), rs, keyId: body.subarray(SALT_BYTES + 5, recordStart) };
  return { ok: true, header, record };
}
