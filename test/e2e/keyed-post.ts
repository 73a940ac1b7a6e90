/** A POST with extra request headers (an Idempotency-Key), and the answer's headers; one HTTP/2 session per call. */
import http2 from 'node:http2';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';

export interface KeyedAnswer {
  status: number;
  body: string;
  headers: http2.IncomingHttpHeaders;
}

export function keyedPost(url: string, ca: string, path: string, body: unknown, headers: Record<string, string>): Promise<KeyedAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca });
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json', ...headers });
    let data = '';
    let answered: http2.IncomingHttpHeaders = {};
    req.setEncoding('utf8');
    req.on('response', (h) => (answered = h));
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      session.close();
      resolve({ status: Number(answered[':status']), body: data, headers: answered });
    });
    req.on('error', (e) => {
      session.destroy();
      reject(e);
    });
    req.end(JSON.stringify(body));
  });
}

/** Notifications the simulator accepted for `token`. */
export function pushesTo(apns: ApnsSimulator, token: string): number {
  return apns.received.filter((r) => r.token === token).length;
}
