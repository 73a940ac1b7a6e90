/**
 * The reference: a bare node:http2 client sending APNS-shaped requests straight to the APNS
 * benchmark server, with no engine in front — what the network, the server and node:http2 cost
 * at a given rate, to set beside Herald's figures. The request of bench/e2e/bare-loop.ts (its
 * `bareApnsHeaders`), over `connections` sessions with at most `maxInFlight` streams each, as
 * Herald's senders (apns.connections, apns.max_in_flight):
 * a request finding every session full waits in the client, as it would in Herald, and the
 * server is never sent more streams than it announced (the benchmark server does not enforce it).
 */
import http2 from 'node:http2';
import { bareApnsHeaders } from '../e2e/bare-loop.js';
import { failed, OK, type Outcome, type Target } from './target.js';

const TOKEN = 'ab'.repeat(32);
const TOPIC = 'com.example.herald';
/** The server does not check it (src/simulators/apns-benchmark); a provider token's length. */
const AUTHORIZATION = `bearer ${'x'.repeat(150)}`;
const PAYLOAD = JSON.stringify({
  aps: { alert: { title: 'romeo@localhost/orchard', body: 'Wherefore art thou, Romeo?' }, badge: 1, 'thread-id': 'romeo@localhost/orchard' },
});

/** node:http2's default (10 MiB) is outgrown by ~160 streams in flight: 1 MiB per 16 streams, as bench/e2e/bare-loop.ts. */
const STREAMS_PER_SESSION_MEMORY_MIB = 16;

type Done = (outcome: Outcome) => void;

interface Slot {
  session: http2.ClientHttp2Session;
  inFlight: number;
}

export class BareApnsTarget implements Target {
  /** Requests that found every session at maxInFlight. */
  waitedForStream = 0;
  private next = 0;
  private readonly waiting: Done[] = [];

  private constructor(
    private readonly slots: Slot[],
    private readonly maxInFlight: number,
  ) {}

  static async connect(url: string, ca: string, connections: number, maxInFlight: number): Promise<BareApnsTarget> {
    const sessions = await Promise.all(Array.from({ length: connections }, () => connect(url, ca, maxInFlight)));
    return new BareApnsTarget(
      sessions.map((session) => ({ session, inFlight: 0 })),
      maxInFlight,
    );
  }

  send(done: Done): void {
    // Round-robin over the sessions with room, as Herald's pool spreads over its senders.
    for (let tried = 0; tried < this.slots.length; tried++) {
      const slot = this.slots[this.next++ % this.slots.length]!;
      if (slot.inFlight < this.maxInFlight) return this.request(slot, done);
    }
    this.waitedForStream++;
    this.waiting.push(done);
  }

  private request(slot: Slot, done: Done): void {
    const { session } = slot;
    if (session.closed || session.destroyed) {
      process.nextTick(done, failed('session closed'));
      return;
    }
    slot.inFlight++;
    const stream = session.request(bareApnsHeaders(TOKEN, TOPIC, AUTHORIZATION));
    let outcome: Outcome = failed('stream closed without an answer');
    stream.on('response', (headers) => {
      outcome = headers[':status'] === 200 ? OK : failed(`HTTP ${headers[':status']}`);
    });
    stream.on('error', (e: Error) => (outcome = failed(e.message)));
    stream.on('close', () => {
      slot.inFlight--;
      done(outcome);
      const waiting = this.waiting.shift();
      if (waiting) this.request(slot, waiting);
    });
    stream.resume();
    stream.end(PAYLOAD);
  }

  close(): void {
    for (const { session } of this.slots) session.close();
  }
}

function connect(url: string, ca: string, maxInFlight: number): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca, maxSessionMemory: Math.max(10, Math.ceil(maxInFlight / STREAMS_PER_SESSION_MEMORY_MIB)) });
    session.once('connect', () => {
      session.off('error', reject);
      session.on('error', () => {}); // its streams fail, and say so
      resolve(session);
    });
    session.once('error', reject);
  });
}
