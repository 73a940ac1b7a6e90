/** One request to a REST API on an open HTTP/2 session, answered or not: a hang is a result too. */
import http2 from 'node:http2';

export interface RestAnswer {
  status: number | 'no answer' | 'stream error';
  body: string;
  /** The RST_STREAM code, when the stream was reset (RFC 9113 §7: 7 is REFUSED_STREAM). */
  rstCode?: number;
  /** The answer carried `Idempotent-Replayed: true`: a retry answered from its key's record. */
  replayed?: boolean;
}

/**
 * Resolves with the status and body; 'stream error' (and why, as body) when the stream failed, 'no answer' after `deadlineMs`.
 * `extra`: request headers besides the method, path and content type (an Idempotency-Key).
 */
export function restRequest(
  session: http2.ClientHttp2Session,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  deadlineMs: number,
  extra?: Record<string, string>,
): Promise<RestAnswer> {
  return new Promise((resolve) => {
    const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path, ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let data = '';
    let status: RestAnswer['status'] = 'no answer';
    let replayed = false;
    const timer = setTimeout(() => {
      req.close(http2.constants.NGHTTP2_CANCEL);
      resolve({ status: 'no answer', body: '' });
    }, deadlineMs);
    const req = session.request(headers);
    req.setEncoding('utf8');
    req.on('response', (h) => {
      status = Number(h[':status']);
      replayed = h['idempotent-replayed'] === 'true';
    });
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      clearTimeout(timer);
      resolve(replayed ? { status, body: data, replayed } : { status, body: data });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ status: 'stream error', body: error.code ?? error.message, rstCode: req.rstCode });
    });
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
