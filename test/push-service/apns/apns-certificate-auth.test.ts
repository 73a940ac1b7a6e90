import assert from 'node:assert/strict';
import type { TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import { startActorRuntime } from '../../../src/actors/index.js';
import { validateConfig } from '../../../src/core/config/load.js';
import { startApnsPool } from '../../../src/push-service/pools/apns-pool.js';
import { clientCertificate, startTestServer } from '../http2/test-server.js';
import { apnsTestPool, certificateAuth } from '../pools/test-pools.js';
import { alertTo, deviceToken } from './harness.js';

describe('APNS certificate-based authentication', { timeout: 30_000 }, () => {
  it('presents the client certificate, sends no authorization header and creates no JWT provider', async () => {
    // Apple's side: a TLS server that asks for a client certificate and answers 200 + apns-id.
    const server = await startTestServer({ requestCert: true, rejectUnauthorized: false });
    const seen: Array<{ cn: unknown; authorization: unknown; topic: unknown }> = [];
    server.server.on('stream', (stream, headers) => {
      const peer = (stream.session!.socket as TLSSocket).getPeerCertificate();
      seen.push({ cn: peer.subject?.CN, authorization: headers.authorization, topic: headers['apns-topic'] });
      stream.respond({ ':status': 200, 'apns-id': String(headers['apns-id']) });
      stream.end();
    });
    const config = validateConfig({ apns: { connections: 1, key_file: '/nonexistent/never-read.p8' } });
    const runtime = startActorRuntime();
    const certificate = await clientCertificate('Apple Push Services: com.example.herald');
    const pool = apnsTestPool(config.apns, { endpoint: server.url, ca: server.ca, auth: certificateAuth(certificate) });
    const service = await startApnsPool(pool, config.actors.sender_mailbox_capacity, runtime);
    try {
      const outcome = await service.send(alertTo(deviceToken()));
      assert.equal(outcome.ok, true);
      assert.deepEqual(seen, [{ cn: 'Apple Push Services: com.example.herald', authorization: undefined, topic: 'com.example.herald' }]);
      assert.equal(service.senderStats().tokensIssued, 0);
    } finally {
      await service.close(100);
      runtime.stop();
      await server.close();
    }
  });
});
