import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { validateConfig } from '../../../src/core/config/load.js';
import { ApnsTokenProvider } from '../../../src/push-service/apns/jwt.js';
import { startActorRuntime } from '../../../src/actors/index.js';
import { startApnsPool } from '../../../src/push-service/pools/apns-pool.js';
import { apnsTestPool, certificateAuth } from '../pools/test-pools.js';
import { startApnsSimulator } from '../../../src/simulators/apns/index.js';
import { clientCertificate, startTestServer } from '../http2/test-server.js';
import { alert, KEY_ID, TEAM, TOKEN } from './thread-rig.js';

test('two threaded pools given one token provider send one JWT between them', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  const provider = new ApnsTokenProvider({ teamId: TEAM, keyId: KEY_ID, privateKey, refreshAfterS: 3_000 });
  const config = validateConfig({ apns: { team_id: TEAM, key_id: KEY_ID, connections: 1, sender_threads: 1, key_file: '/nonexistent/never-read.p8' } });
  const pool = apnsTestPool(config.apns, { endpoint: sim.url, ca: sim.ca, auth: { kind: 'token', tokens: provider }, threads: 1 });
  const runtime = startActorRuntime();
  const services = await Promise.all([startApnsPool(pool, 64, runtime), startApnsPool(pool, 64, runtime)]);
  try {
    for (const service of services) {
      const outcomes = await Promise.all([1, 2, 3].map(() => service.send(alert(TOKEN))));
      assert.ok(outcomes.every((o) => o.ok));
    }
    assert.equal(provider.minted, 1);
    assert.equal(sim.stats.jwtsSeen, 1, 'APNS saw one token for both services');
    assert.ok(sim.stats.sessionsOpened >= 2, 'each service has its own connection');
  } finally {
    await Promise.all(services.map((s) => s.close()));
    await sim.close();
  }
});

test('a threaded pool with a client certificate presents it from its threads and sends no authorization header', async () => {
  const server = await startTestServer({ requestCert: true, rejectUnauthorized: false });
  const seen: Array<{ cn: unknown; authorization: unknown }> = [];
  server.server.on('stream', (stream, headers) => {
    const peer = (stream.session!.socket as TLSSocket).getPeerCertificate();
    seen.push({ cn: peer.subject?.CN, authorization: headers.authorization });
    stream.respond({ ':status': 200, 'apns-id': String(headers['apns-id']) });
    stream.end();
  });
  const config = validateConfig({ apns: { connections: 1, sender_threads: 1, key_file: '/nonexistent/never-read.p8' } });
  const certificate = await clientCertificate('Apple Push Services: com.example.app');
  const pool = apnsTestPool(config.apns, { endpoint: server.url, ca: server.ca, auth: certificateAuth(certificate), threads: 1 });
  const service = await startApnsPool(pool, 64, startActorRuntime());
  try {
    assert.equal((await service.send(alert(TOKEN))).ok, true);
    assert.deepEqual(seen, [{ cn: 'Apple Push Services: com.example.app', authorization: undefined }]);
    assert.equal(service.senderStats().tokensIssued, 0);
  } finally {
    await service.close();
    await server.close();
  }
});
