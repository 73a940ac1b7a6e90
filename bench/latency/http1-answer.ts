/**
 * Reads HTTP/1.1 answers off a connection that carries one request at a time (pure). Only what
 * this client needs of RFC 9112: the status line (§4), the header section up to its empty line
 * (§2.1), a body delimited by Content-Length (§6.3); a chunked body or one without a length is
 * refused rather than misread, and so is anything the server sends beyond the answer.
 */

/** Octets of status line + headers before the answer is refused (Herald's are ~150). */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

export interface Http1Answer {
  status: number;
  /** The server asked to close the connection after this answer (RFC 9112 §9.6). */
  close: boolean;
}

export class Http1AnswerReader {
  private buffered: Buffer = Buffer.alloc(0);
  private head: (Http1Answer & { bodyBytes: number }) | undefined;

  /**
   * Feeds received octets; returns the answer once it is complete, undefined while it is not.
   * Throws on what this reader does not accept.
   */
  push(chunk: Buffer): Http1Answer | undefined {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (!this.head) {
      const end = this.buffered.indexOf(HEAD_END);
      if (end < 0) {
        if (this.buffered.length > MAX_HEAD_BYTES) throw new Error(`answer head over ${MAX_HEAD_BYTES} octets`);
        return undefined;
      }
      this.head = parseHead(this.buffered.subarray(0, end).toString('latin1'));
      this.buffered = this.buffered.subarray(end + HEAD_END.length);
    }
    if (this.buffered.length < this.head.bodyBytes) return undefined;
    if (this.buffered.length > this.head.bodyBytes) throw new Error('octets after the answer, with no request outstanding');
    const { status, close } = this.head;
    this.head = undefined;
    this.buffered = Buffer.alloc(0);
    return { status, close };
  }
}

function parseHead(text: string): Http1Answer & { bodyBytes: number } {
  const [statusLine = '', ...fields] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!m) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`);
  let bodyBytes: number | undefined;
  let close = false;
  for (const field of fields) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).toLowerCase();
    const value = field.slice(colon + 1).trim();
    if (name === 'content-length') bodyBytes = Number(value);
    else if (name === 'transfer-encoding') throw new Error(`transfer-encoding ${value} is not read by this client`);
    else if (name === 'connection') close = value.toLowerCase().split(/\s*,\s*/).includes('close');
  }
  if (bodyBytes === undefined || !Number.isSafeInteger(bodyBytes) || bodyBytes < 0) {
    throw new Error('an answer without a valid content-length');
  }
  return { status: Number(m[1]), close, bodyBytes };
}
