/**
 * The reference: a bare node:http2 client sending APNS-shaped requests straight to the APNS
 * benchmark server, with no engine in front — what the network, the server and node:http2 cost
 * at a given rate, to set beside Herald's figures. Same request shape as bench/e2e/bare-loop.ts
 * (`:path` and `authorization` never indexed, as Apple asks), spread round-robin over
 * `connections` sessions as Herald spreads its own over its senders.
 */
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { failed, OK, type Outcome, type Target } from './target.js';

const SENSITIVE = [':path', 'authorization'];
const TOKEN = 'ab'.repeat(32);
const TOPIC = 'com.example.herald';
/** The server does not check it (src/simulators/apns-benchmark); a provider token's length. */
const AUTHORIZATION = `bearer ${'x'.repeat(150)}`;
const PAYLOAD = JSON.stringify({
  aps: { alert: { title: 'romeo@localhost/orchard', body: 'Wherefore art thou, Romeo?' }, badge: 1, 'thread-id': 'romeo@localhost/orchard' },
});

export class BareApnsTarget implements Target {
  private next = 0;

  private constructor(private readonly sessions: http2.ClientHttp2Session[]) {}

  static async connect(url: string, ca: string, connections: number): Promise<BareApnsTarget> {
    const sessions = await Promise.all(Array.from({ length: connections }, () => connect(url, ca)));
    return new BareApnsTarget(sessions);
  }

  send(done: (outcome: Outcome) => void): void {
    const session = this.sessions[this.next++ % this.sessions.length]!;
    if (session.closed || session.destroyed) {
      process.nextTick(done, failed('session closed'));
      return;
    }
    const stream = session.request({
      ':method': 'POST',
      ':path': `/3/device/${TOKEN}`,
      authorization: AUTHORIZATION,
      'apns-topic': TOPIC,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(Date.now() / 1000) + 86_400),
      'apns-id': randomUUID(),
      'content-type': 'application/json',
      [http2.sensitiveHeaders]: SENSITIVE,
    });
    let outcome: Outcome = failed('stream closed without an answer');
    stream.on('response', (headers) => {
      outcome = headers[':status'] === 200 ? OK : failed(`HTTP ${headers[':status']}`);
    });
    stream.on('error', (e: Error) => (outcome = failed(e.message)));
    stream.on('close', () => done(outcome));
    stream.resume();
    stream.end(PAYLOAD);
  }

  close(): void {
    for (const s of this.sessions) s.close();
  }
}

function connect(url: string, ca: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca });
    session.once('connect', () => {
      session.off('error', reject);
      session.on('error', () => {}); // its streams fail, and say so
      resolve(session);
    });
    session.once('error', reject);
  });
}
