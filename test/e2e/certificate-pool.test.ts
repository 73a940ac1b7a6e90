import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApnsClientCertificate } from '../../src/simulators/apns/index.js';
import { TOKEN, cleanup, configIn, postJson, startHerald, tempDir } from './harness.js';
import { isHeraldError } from '../../src/core/errors.js';
import type { ApnsPool } from '../../src/push-service/pools/apns-pool.js';

const ALERT = { title: 't', body: 'b' };

test('a certificate-auth pool sends without a JWT, beside a token-auth pool, and voip goes to its .voip topic', async () => {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'cert-key.pem');
  const { herald, apns, close } = await startHerald(
    configIn(dir, {
      apns: {
        key_file: join(dir, 'apns.p8'),
        pools: [
          { mode: 'prod', auth: 'certificate', cert_file: cert, cert_key_file: key, default_topic: 'com.example.cert', sender_threads: 0 },
          { mode: 'dev', default_topic: 'com.example.token', sender_threads: 0 },
        ],
      },
      rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
    }),
  );
  try {
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const send = (body: Record<string, unknown>) => postJson(herald.rest!.url, ca, `/v3/notification/${TOKEN}`, { service: 'apns', ...body });
    // The dev client certificate was generated for the simulator on first start.
    assert.match(readFileSync(cert, 'utf8'), /BEGIN CERTIFICATE/);

    assert.deepEqual(await send({ alert: ALERT }), { status: 200, body: 'null' });
    assert.deepEqual(await send({ mode: 'dev', alert: ALERT }), { status: 200, body: 'null' });
    assert.deepEqual(await send({ topic: 'com.example.cert.voip', data: { call: 'c1' } }), { status: 200, body: 'null' });
    const [byCert, byToken, voip] = await apns!.waitForReceived(3, 5_000);
    assert.equal(byCert!.headers['apns-topic'], 'com.example.cert');
    assert.equal(byToken!.headers['apns-topic'], 'com.example.token');
    assert.equal(voip!.headers['apns-push-type'], 'voip');
    // A topic the certificate does not cover is Apple's TopicDisallowed: invalid_request.
    assert.deepEqual(await send({ topic: 'com.example.other', alert: ALERT }), { status: 400, body: '{"reason":"invalid_request"}' });
    // Only the token pool ever signed a JWT.
    const [certPool, tokenPool] = herald.pushService.pools as ApnsPool[];
    assert.equal(certPool!.senderStats().tokensIssued, 0);
    assert.equal(tokenPool!.senderStats().tokensIssued, 1);
    assert.equal(apns!.stats.jwtsSeen, 1);
  } finally {
    await close();
    cleanup(dir);
  }
});

test('an expired client certificate refuses the start with HERALD_CONFIG_FILE naming the pool key and the file, as the pre-flight does', async () => {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'cert-key.pem');
  const DAY_MS = 86_400_000;
  const expired = await generateApnsClientCertificate({ topic: 'com.example.cert', notBefore: new Date(Date.now() - 400 * DAY_MS), days: 365 });
  writeFileSync(cert, expired.cert);
  writeFileSync(key, expired.key);
  try {
    await assert.rejects(
      startHerald(
        configIn(dir, {
          apns: { pools: [{ mode: 'prod', auth: 'certificate', cert_file: cert, cert_key_file: key, default_topic: 'com.example.cert', sender_threads: 0 }] },
        }),
      ),
      (e: unknown) => isHeraldError(e, 'HERALD_CONFIG_FILE') && e.message.includes(`apns.pools.0.cert_file = ${cert}: the certificate expired on`),
    );
  } finally {
    cleanup(dir);
  }
});
