/**
 * The reference client: a bare node:http2 loop sending APNS-shaped requests, with no engine in
 * front. Same connections, same in-flight window per connection, same headers (`:path` and
 * `authorization` never indexed, as Apple asks of every client and as Herald sends them) and a
 * payload of the same size as Herald's — the ceiling Herald is measured against.
 */
import http2 from 'node:http2';
import { randomUUID } from 'node:crypto';

export interface LoopOptions {
  url: string;
  ca: string;
  connections: number;
  inFlightPerConnection: number;
  requests: number;
  token: string;
  topic: string;
  authorization: string;
  onProgress?: (done: number) => void;
}

export interface LoopResult {
  ok: number;
  failed: number;
  ms: number;
}

const SENSITIVE = [':path', 'authorization'];

/**
 * One alert push's request headers, as the bare references send them (this loop and
 * bench/latency/apns-target.ts): `:path` and `authorization` never indexed, as Apple asks.
 */
export function bareApnsHeaders(token: string, topic: string, authorization: string): http2.OutgoingHttpHeaders {
  return {
    ':method': 'POST',
    ':path': `/3/device/${token}`,
    authorization,
    'apns-topic': topic,
    'apns-push-type': 'alert',
    'apns-priority': '10',
    'apns-expiration': String(Math.floor(Date.now() / 1000) + 86_400),
    'apns-id': randomUUID(),
    'content-type': 'application/json',
    [http2.sensitiveHeaders]: SENSITIVE,
  };
}

const PAYLOAD = JSON.stringify({
  aps: { alert: { title: 'romeo@localhost/orchard', body: 'Wherefore art thou, Romeo?' }, badge: 1, 'thread-id': 'romeo@localhost/orchard' },
});

export async function runBareLoop(o: LoopOptions): Promise<LoopResult> {
  const sessions = await Promise.all(
    Array.from({ length: o.connections }, () => connect(o.url, o.ca, o.inFlightPerConnection)),
  );
  let started = 0;
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const sendOne = (session: http2.ClientHttp2Session): void => {
      if (started >= o.requests) return;
      started++;
      const stream = session.request(bareApnsHeaders(o.token, o.topic, o.authorization));
      stream.on('response', (headers) => {
        if (headers[':status'] === 200) ok++;
        else failed++;
      });
      stream.on('error', () => {});
      stream.on('close', () => {
        if (stream.rstCode) failed++;
        const done = ok + failed;
        o.onProgress?.(done);
        if (done >= o.requests) resolve();
        else sendOne(session);
      });
      stream.resume();
      stream.end(PAYLOAD);
    };
    for (const s of sessions) for (let i = 0; i < o.inFlightPerConnection; i++) sendOne(s);
  });
  const ms = performance.now() - t0;
  for (const s of sessions) s.close();
  return { ok, failed, ms };
}

function connect(url: string, ca: string, streams: number): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, {
      ca,
      peerMaxConcurrentStreams: streams,
      maxSessionMemory: Math.max(10, Math.ceil(streams / 16)),
    });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}
