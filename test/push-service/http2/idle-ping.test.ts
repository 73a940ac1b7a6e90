import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Http2Connection, type Http2ConnectionOptions } from '../../../src/push-service/http2/connection.js';
import { PLAIN_ANSWERS, startMutePeer, startTestServer } from './test-server.js';
import { eventually } from '../../support/eventually.js';

function connection(endpoint: string, ca: string, o: Partial<Http2ConnectionOptions> = {}): Http2Connection {
  return new Http2Connection({
    endpoint,
    ca,
    label: 'test',
    answers: PLAIN_ANSWERS,
    maxInFlight: 10,
    requestTimeoutMs: 2_000,
    reconnect: { backoff_ms: 10, max_ms: 30_000 },
    keepWarm: true,
    ...o,
  });
}

describe('idle PING', { timeout: 30_000 }, () => {
  it('PINGs a connected connection with nothing in flight every ping_interval_ms, and keeps it', async () => {
    const server = await startTestServer();
    let pingsSeen = 0;
    server.server.on('session', (session) => session.on('ping', () => pingsSeen++));
    const conn = connection(server.url, server.ca, { pingIntervalMs: 20 });
    try {
      conn.warmUp();
      await eventually(() => pingsSeen >= 3, 'three PINGs at the server', 10_000);
      const stats = conn.stats();
      assert.ok(stats.pingsSent >= 3, `pingsSent ${stats.pingsSent}`);
      assert.equal(stats.state, 'connected');
      assert.equal(stats.sessionsOpened, 1, 'answered PINGs never replace the connection');
    } finally {
      await conn.close();
      await server.close();
    }
  });

  it('sends no PING when ping_interval_ms is 0', async () => {
    const server = await startTestServer();
    let pingsSeen = 0;
    server.server.on('session', (session) => session.on('ping', () => pingsSeen++));
    const pinging = connection(server.url, server.ca, { pingIntervalMs: 10 });
    const quiet = connection(server.url, server.ca, { pingIntervalMs: 0 });
    try {
      quiet.warmUp();
      pinging.warmUp();
      // The pinging connection's PINGs show time passed; the quiet one sent none meanwhile.
      await eventually(() => pinging.stats().pingsSent >= 3 && pingsSeen >= 3, 'PINGs from the other connection', 10_000);
      assert.equal(quiet.stats().pingsSent, 0);
      assert.equal(quiet.stats().state, 'connected');
    } finally {
      await Promise.all([pinging.close(), quiet.close()]);
      await server.close();
    }
  });

  it('replaces a connection whose PING is never answered, after the reconnect backoff', async () => {
    const mute = await startMutePeer();
    const conn = connection(mute.url, mute.ca, { pingIntervalMs: 20, requestTimeoutMs: 100 });
    try {
      conn.warmUp();
      await eventually(() => conn.stats().sessionsOpened >= 2 && mute.accepted >= 2, 'a second connection', 10_000);
      assert.equal(conn.stats().lastEviction, 'PING unanswered');
    } finally {
      await conn.destroy();
      mute.close();
    }
  });
});
