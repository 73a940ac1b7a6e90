import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import { Http2Connection, type ClientCertificate } from '../../../src/push-service/http2/connection.js';
import { clientCertificate, outcomeListener, PLAIN_ANSWERS, startTestServer } from './test-server.js';

describe('TLS client certificate', { timeout: 30_000 }, () => {
  it('is presented in the TLS handshake when the connection is given one, and only then', async () => {
    const server = await startTestServer({ requestCert: true, rejectUnauthorized: false });
    const seen: Array<string | undefined> = [];
    server.server.on('stream', (stream) => {
      const peer = (stream.session!.socket as TLSSocket).getPeerCertificate();
      seen.push(typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined);
      stream.respond({ ':status': 200 });
      stream.end();
    });
    const send = async (certificate: ClientCertificate | undefined): Promise<void> => {
      const conn = new Http2Connection({
        endpoint: server.url,
        ca: server.ca,
        clientCertificate: certificate,
        label: 'test',
        answers: PLAIN_ANSWERS,
        maxInFlight: 1,
        requestTimeoutMs: 5_000,
        reconnect: { backoff_ms: 10, max_ms: 30_000 },
      });
      try {
        while (!conn.ready()) await conn.whenReady();
        const listener = outcomeListener();
        conn.request({ ':method': 'POST', ':path': '/' }, '{}', 'id-1', listener);
        assert.deepEqual(await listener.result, { ok: true, id: 'id-1' });
      } finally {
        await conn.close();
      }
    };
    try {
      await send(await clientCertificate('com.example.herald'));
      await send(undefined);
      assert.deepEqual(seen, ['com.example.herald', undefined]);
    } finally {
      await server.close();
    }
  });
});
