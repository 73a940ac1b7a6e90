import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type ClientHttp2Session } from 'node:http2';
import { afterEach, before, describe, test } from 'node:test';
import type { TlsPair } from '../../src/core/tls.js';
import {
  generateApnsClientCertificate,
  startApnsSimulator,
  type ApnsSimulator,
  type ApnsSimulatorOptions,
} from '../../src/simulators/apns/index.js';
import { KEY_ID, TEAM, TOPIC, makeProviderKey, send, signJwt } from './apns-test-client.js';

const MULTI = ['com.example.multi', 'com.example.multi.voip'];

/** A connection that presents `pair` as its client certificate (or none). */
async function connectWith(sim: ApnsSimulator, pair?: TlsPair): Promise<ClientHttp2Session> {
  const client = connect(sim.url, { ca: sim.ca, ...(pair === undefined ? {} : { cert: pair.cert, key: pair.key }) });
  client.on('error', () => {});
  await once(client, 'remoteSettings');
  return client;
}

const noTopic = { 'apns-topic': undefined };

describe('APNS simulator: certificate-based auth', () => {
  const key = makeProviderKey();
  let single: TlsPair;
  let multi: TlsPair;
  let sandbox: TlsPair;
  let stranger: TlsPair;
  let expired: TlsPair;
  let sim: ApnsSimulator | undefined;
  let client: ClientHttp2Session | undefined;

  before(async () => {
    [single, multi, sandbox, stranger, expired] = await Promise.all([
      generateApnsClientCertificate({ topic: TOPIC }),
      generateApnsClientCertificate({ topic: MULTI[0]! }),
      generateApnsClientCertificate({ topic: 'com.example.sandbox' }),
      generateApnsClientCertificate({ topic: TOPIC }),
      generateApnsClientCertificate({ topic: TOPIC, notBefore: new Date(Date.now() - 3 * 86_400_000), days: 1 }),
    ]);
  });
  afterEach(async () => {
    client?.destroy();
    client = undefined;
    await sim?.close();
  });

  async function start(options: ApnsSimulatorOptions = {}): Promise<ApnsSimulator> {
    sim = await startApnsSimulator({
      teamId: TEAM,
      keys: { [KEY_ID]: key.publicKeyPem },
      maxConcurrentStreams: 9,
      certificates: [
        { certPem: single.cert, topics: [TOPIC] },
        { certPem: multi.cert, topics: MULTI, environment: 'production' },
        { certPem: sandbox.cert, topics: ['com.example.sandbox'], environment: 'development' },
        { certPem: expired.cert, topics: [TOPIC] },
      ],
      ...options,
    });
    return sim;
  }

  test('a trusted certificate authenticates requests without authorization, with the full stream limit at once', async () => {
    const s = await start();
    client = await connectWith(s, single);
    if (client.remoteSettings.maxConcurrentStreams !== 9) await once(client, 'remoteSettings');
    assert.equal(client.remoteSettings.maxConcurrentStreams, 9);
    assert.equal((await send(client, {})).status, 200);
    assert.equal(s.received[0]?.topic, TOPIC);
  });

  test('without apns-topic a single-topic certificate pushes to its topic', async () => {
    const s = await start();
    client = await connectWith(s, single);
    assert.equal((await send(client, { headers: noTopic })).status, 200);
    const [received] = await s.waitForReceived(1);
    assert.equal(received?.topic, TOPIC);
    assert.equal(received?.headers['apns-topic'], undefined, 'the record keeps the headers as sent');
  });

  test('a multi-topic certificate needs apns-topic (400 MissingTopic) and accepts each of its topics', async () => {
    const s = await start();
    client = await connectWith(s, multi);
    const missing = await send(client, { headers: noTopic });
    assert.deepEqual([missing.status, missing.json], [400, { reason: 'MissingTopic' }]);
    assert.equal((await send(client, { headers: { 'apns-topic': MULTI[0] } })).status, 200);
    const voip = { 'apns-topic': MULTI[1], 'apns-push-type': 'voip', 'apns-priority': '10' };
    assert.equal((await send(client, { headers: voip })).status, 200);
  });

  test('a topic the certificate does not cover is 400 TopicDisallowed', async () => {
    const s = await start();
    client = await connectWith(s, single);
    const answer = await send(client, { headers: { 'apns-topic': 'com.example.other' } });
    assert.deepEqual([answer.status, answer.json], [400, { reason: 'TopicDisallowed' }]);
  });

  test('an untrusted certificate is 403 BadCertificate, even with a valid provider token, and keeps 1 stream', async () => {
    const s = await start();
    client = await connectWith(s, stranger);
    const answer = await send(client, { jwt: signJwt(key, Math.floor(Date.now() / 1000)) });
    assert.deepEqual([answer.status, answer.json], [403, { reason: 'BadCertificate' }]);
    assert.equal(client.remoteSettings.maxConcurrentStreams, 1);
  });

  test('a certificate past its validity dates is 403 BadCertificate', async () => {
    const s = await start();
    client = await connectWith(s, expired);
    const answer = await send(client, {});
    assert.deepEqual([answer.status, answer.json], [403, { reason: 'BadCertificate' }]);
  });

  test('a certificate for the other environment is 403 BadCertificateEnvironment; a Sandbox & Production one works in both', async () => {
    const production = await start();
    client = await connectWith(production, sandbox);
    // A refused certificate names no default topic: the request names it (header checks come first).
    const answer = await send(client, { headers: { 'apns-topic': 'com.example.sandbox' } });
    assert.deepEqual([answer.status, answer.json], [403, { reason: 'BadCertificateEnvironment' }]);
    client.destroy();
    await production.close();
    const development = await start({ environment: 'development' });
    client = await connectWith(development, sandbox);
    assert.equal((await send(client, { headers: noTopic })).status, 200);
    client.destroy();
    client = await connectWith(development, single);
    assert.equal((await send(client, {})).status, 200);
    client.destroy();
    client = await connectWith(development, multi);
    const wrong = await send(client, {});
    assert.deepEqual([wrong.status, wrong.json], [403, { reason: 'BadCertificateEnvironment' }]);
  });

  test('a connection without a certificate keeps using provider tokens', async () => {
    const s = await start();
    client = await connectWith(s);
    const missing = await send(client, {});
    assert.deepEqual([missing.status, missing.json], [403, { reason: 'MissingProviderToken' }]);
    assert.equal((await send(client, { jwt: signJwt(key, Math.floor(Date.now() / 1000)) })).status, 200);
  });
});

describe('APNS simulator: certificate options', () => {
  let pair: TlsPair;
  before(async () => {
    pair = await generateApnsClientCertificate({ topic: TOPIC });
  });

  test('a certificate that is not PEM, or one without topics, is refused at start with HERALD_CONFIG_INVALID naming it', async () => {
    await assert.rejects(startApnsSimulator({ certificates: [{ certPem: 'nope', topics: [TOPIC] }] }), {
      code: 'HERALD_CONFIG_INVALID',
      message: /certificates\[0\]\.certPem/,
    });
    await assert.rejects(startApnsSimulator({ certificates: [{ certPem: pair.cert, topics: [] }] }), {
      code: 'HERALD_CONFIG_INVALID',
      message: /certificates\[0\]\.topics/,
    });
  });

  test('without certificates configured the simulator asks clients for none: a presented one is ignored', async () => {
    const s = await startApnsSimulator({ keys: {} });
    const client = await connectWith(s, pair);
    try {
      const answer = await send(client, {});
      assert.deepEqual(answer.json, { reason: 'MissingProviderToken' });
    } finally {
      client.destroy();
      await s.close();
    }
  });
});
