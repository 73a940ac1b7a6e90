import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, describe, test } from 'node:test';
import type { ClientHttp2Session } from 'node:http2';
import {
  startApnsSimulator,
  type ApnsSimulator,
  type ApnsSimulatorOptions,
  type ProviderKey,
} from '../../src/simulators/apns/index.js';
import { KEY_ID, TEAM, connectTo, makeProviderKey, send, signJwt } from './apns-test-client.js';

const MINUTE_S = 60;

describe('APNS simulator: provider tokens and stream limits', () => {
  const key = makeProviderKey();
  const start = 1_700_000_000; // epoch seconds of the simulated clock's start
  let nowMs = start * 1000;
  let sim: ApnsSimulator | undefined;
  let client: ClientHttp2Session | undefined;

  async function setUp(options: ApnsSimulatorOptions = {}): Promise<[ApnsSimulator, ClientHttp2Session]> {
    nowMs = start * 1000;
    const keys = [{ keyId: KEY_ID, key: key.publicKeyPem }];
    sim = await startApnsSimulator({ teamId: TEAM, keys, clock: () => nowMs, ...options });
    client = await connectTo(sim);
    return [sim, client];
  }
  afterEach(async () => {
    client?.close();
    await sim?.close();
  });

  test('one stream is advertised until the first valid token, then maxConcurrentStreams', async () => {
    const [, c] = await setUp({ maxConcurrentStreams: 7 });
    assert.equal(c.remoteSettings.maxConcurrentStreams, 1);
    const raised = once(c, 'remoteSettings');
    assert.equal((await send(c, { jwt: signJwt(key, start) })).status, 200);
    await raised;
    assert.equal(c.remoteSettings.maxConcurrentStreams, 7);
  });

  test('a rejected token leaves the connection at one stream', async () => {
    const [, c] = await setUp({ maxConcurrentStreams: 7 });
    assert.equal((await send(c, { jwt: signJwt(key, start, 'WRONGTEAM0') })).status, 403);
    // SETTINGS would have been sent before this answer on the same connection.
    assert.equal(c.remoteSettings.maxConcurrentStreams, 1);
  });

  test('with dropToOneStreamAfterRejection a rejection drops the connection back to one stream', async () => {
    const [, c] = await setUp({ maxConcurrentStreams: 7, dropToOneStreamAfterRejection: true });
    const jwt = signJwt(key, start);
    const raised = once(c, 'remoteSettings');
    await send(c, { jwt });
    await raised;
    const dropped = once(c, 'remoteSettings');
    assert.equal((await send(c, { jwt, headers: { 'apns-priority': '2' } })).status, 400);
    await dropped;
    assert.equal(c.remoteSettings.maxConcurrentStreams, 1);
  });

  test('the same token may be reused freely and is verified only once', async () => {
    const [s, c] = await setUp();
    const jwt = signJwt(key, start);
    for (let i = 0; i < 5; i++) assert.equal((await send(c, { jwt })).status, 200);
    assert.equal(s.stats.jwtsSeen, 1);
  });

  test('a new token less than 20 minutes after the previous one is TooManyProviderTokenUpdates (429)', async () => {
    const [, c] = await setUp();
    assert.equal((await send(c, { jwt: signJwt(key, start) })).status, 200);
    nowMs += 10 * MINUTE_S * 1000;
    const early = await send(c, { jwt: signJwt(key, start + 10 * MINUTE_S) });
    assert.equal(early.status, 429);
    assert.deepEqual(early.json, { reason: 'TooManyProviderTokenUpdates' });
  });

  test('after a refused update the previous token still works, and a refresh 20 minutes later is accepted', async () => {
    const [, c] = await setUp();
    const first = signJwt(key, start);
    assert.equal((await send(c, { jwt: first })).status, 200);
    nowMs += 5 * MINUTE_S * 1000;
    assert.equal((await send(c, { jwt: signJwt(key, start + 5 * MINUTE_S) })).status, 429);
    assert.equal((await send(c, { jwt: first })).status, 200);
    nowMs = (start + 20 * MINUTE_S) * 1000;
    const refreshed = signJwt(key, start + 20 * MINUTE_S);
    assert.equal((await send(c, { jwt: refreshed })).status, 200);
    // The superseded token stays usable while it is under an hour old (in-flight overlap).
    assert.equal((await send(c, { jwt: first })).status, 200);
  });

  test('a token whose iat is more than an hour old is ExpiredProviderToken (403)', async () => {
    const [, c] = await setUp();
    const jwt = signJwt(key, start);
    nowMs += 59 * MINUTE_S * 1000;
    assert.equal((await send(c, { jwt })).status, 200);
    nowMs += 2 * MINUTE_S * 1000;
    const stale = await send(c, { jwt });
    assert.equal(stale.status, 403);
    assert.deepEqual(stale.json, { reason: 'ExpiredProviderToken' });
  });

  test('tokens of different keys are refreshed independently', async () => {
    const second = makeProviderKey('KEY2222222');
    const [, c] = await setUp({ keys: new Map<string, ProviderKey>([
        [KEY_ID, key.publicKeyPem],
        [second.keyId, second.privateKey],
      ]),
     });
    assert.equal((await send(c, { jwt: signJwt(key, start) })).status, 200);
    assert.equal((await send(c, { jwt: signJwt(second, start + 60) })).status, 200);
  });

  test('a key that is not a P-256 key is refused at start with HERALD_AUTH_KEY_INVALID', async () => {
    await assert.rejects(startApnsSimulator({ keys: { K: 'not a pem' } }), { code: 'HERALD_AUTH_KEY_INVALID' });
  });
});
