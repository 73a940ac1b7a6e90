/**
 * Raw HTTP/2 over TLS, for what node:http2's client refuses to send: frames written by hand
 * (RFC 9113 §4.1), header blocks as HPACK literals without Huffman coding (RFC 7541 §6.2.2), and
 * what the server sends back, read as frames.
 */
import net from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { eventually } from '../../support/eventually.js';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** RFC 9113 §6 frame types. */
export const T = { DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const;
/** Flags: END_STREAM 0x1 (DATA, HEADERS), ACK 0x1 (SETTINGS, PING), END_HEADERS 0x4, PADDED 0x8. */
export const F = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;
/** RFC 9113 §7 error codes. */
export const E = {
  NO_ERROR: 0,
  PROTOCOL_ERROR: 1,
  INTERNAL_ERROR: 2,
  FLOW_CONTROL_ERROR: 3,
  STREAM_CLOSED: 5,
  FRAME_SIZE_ERROR: 6,
  REFUSED_STREAM: 7,
  CANCEL: 8,
  COMPRESSION_ERROR: 9,
  ENHANCE_YOUR_CALM: 11,
} as const;

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

export function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

export function settings(...pairs: Array<[id: number, value: number]>): Buffer {
  const payload = Buffer.alloc(6 * pairs.length);
  pairs.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, 6 * i);
    payload.writeUInt32BE(value, 6 * i + 2);
  });
  return frame(T.SETTINGS, 0, 0, payload);
}

/** RFC 7541 §5.1 integer with an N-bit prefix; `high` holds the bits above the prefix. */
function hpackInt(value: number, prefixBits: number, high: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([high | value]);
  const out = [high | max];
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}

function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return Buffer.concat([hpackInt(bytes.length, 7, 0x00), bytes]); // H = 0: no Huffman
}

/** A header block of literal fields without indexing, new names (RFC 7541 §6.2.2). */
export function headerBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([0x00]), hpackString(name), hpackString(value)]));
}

/** The header fields of a POST the server would serve (before any hostile change). */
export function requestFields(path: string, extra: ReadonlyArray<readonly [string, string]> = []): Array<readonly [string, string]> {
  return [[':method', 'POST'], [':scheme', 'https'], [':path', path], [':authority', 'localhost'], ['content-type', 'application/json'], ...extra];
}

export interface ReceivedFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** What became of a raw connection. */
export type RawOutcome =
  | { kind: 'goaway'; code: number }
  | { kind: 'reset'; code: number }
  | { kind: 'closed' }
  | { kind: 'alive' };

/** One raw HTTP/2 connection: preface and SETTINGS sent, frames read as they come. */
export class RawH2 {
  readonly frames: ReceivedFrame[] = [];
  closed = false;
  private buffered = Buffer.alloc(0);
  private pingSeq = 0;

  private constructor(readonly socket: TLSSocket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static open(port: number, ca: string, localAddress = '127.0.0.1'): Promise<RawH2> {
    return new Promise((resolve, reject) => {
      const tcp = net.connect({ host: '127.0.0.1', port, localAddress });
      const socket = tls.connect({ socket: tcp, ca, servername: 'localhost', ALPNProtocols: ['h2'] }, () => {
        socket.off('error', reject);
        const raw = new RawH2(socket);
        raw.send(PREFACE, settings());
        resolve(raw);
      });
      socket.once('error', reject);
    });
  }

  send(...chunks: Buffer[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(chunks));
  }

  /** Resolves once `check` holds on what was received, or the connection closed. */
  until(check: () => boolean, what: string, ms?: number): Promise<void> {
    return eventually(() => check() || this.closed, `raw HTTP/2: ${what}`, ms);
  }

  goaway(): ReceivedFrame | undefined {
    return this.frames.find((f) => f.type === T.GOAWAY);
  }

  resets(streamId?: number): ReceivedFrame[] {
    return this.frames.filter((f) => f.type === T.RST_STREAM && (streamId === undefined || f.streamId === streamId));
  }

  /**
   * After what was sent: a GOAWAY, a reset of `streamId`, a close, or — once a PING sent now is
   * acknowledged, meaning the server read everything before it — the connection alive.
   */
  async outcome(streamId?: number): Promise<RawOutcome> {
    const seq = ++this.pingSeq;
    const opaque = Buffer.alloc(8);
    opaque.writeUInt32BE(seq, 4);
    this.send(frame(T.PING, 0, 0, opaque));
    const acked = () => this.frames.some((f) => f.type === T.PING && (f.flags & F.ACK) !== 0 && f.payload.readUInt32BE(4) === seq);
    await this.until(() => acked() || this.goaway() !== undefined || (streamId !== undefined && this.resets(streamId).length > 0), 'a PING ack, a GOAWAY or a reset');
    const goaway = this.goaway();
    if (goaway) return { kind: 'goaway', code: goaway.payload.readUInt32BE(4) };
    const reset = streamId === undefined ? undefined : this.resets(streamId)[0];
    if (reset) return { kind: 'reset', code: reset.payload.readUInt32BE(0) };
    return this.closed && !acked() ? { kind: 'closed' } : { kind: 'alive' };
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 9) {
      const length = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < 9 + length) break;
      const received: ReceivedFrame = {
        type: this.buffered[3]!,
        flags: this.buffered[4]!,
        streamId: this.buffered.readUInt32BE(5) & 0x7fffffff,
        payload: this.buffered.subarray(9, 9 + length),
      };
      this.frames.push(received);
      this.buffered = this.buffered.subarray(9 + length);
      // RFC 9113 §6.5.3: acknowledge the server's SETTINGS, as any client must.
      if (received.type === T.SETTINGS && (received.flags & F.ACK) === 0) this.send(frame(T.SETTINGS, F.ACK, 0));
    }
  }
}
