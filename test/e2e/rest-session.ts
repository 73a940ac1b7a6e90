/** One HTTP/2 session to the REST API for many requests (load tests). */
import http2 from 'node:http2';

export interface RestAnswer {
  status: number;
  body: string;
}

export interface RestSession {
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<RestAnswer>;
  close(): void;
}

export function openRestSession(url: string, ca: string): RestSession {
  const session = http2.connect(url, { ca });
  session.on('error', () => {}); // each request reports its own failure
  return {
    request(method, path, body) {
      return new Promise((resolve, reject) => {
        const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path };
        if (body !== undefined) headers['content-type'] = 'application/json';
        const req = session.request(headers);
        let data = '';
        let status = 0;
        req.setEncoding('utf8');
        req.on('response', (h) => (status = Number(h[':status'])));
        req.on('data', (c: string) => (data += c));
        req.on('end', () => resolve({ status, body: data }));
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
    close: () => session.close(),
  };
}

/** The value of one exposition sample, e.g. `herald_push_sent_total{service="apns",pool="apns-prod"}`. */
export function sampleValue(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
