import assert from 'node:assert/strict';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import {
  KEY_ID,
  TEAM,
  TOPIC,
  connectTo,
  deviceToken,
  makeProviderKey,
  send,
  signJwt,
  type Push,
} from './apns-test-client.js';

/** A JSON payload of exactly `bytes` bytes. */
function payloadOfSize(bytes: number): string {
  const empty = JSON.stringify({ aps: {}, pad: '' });
  return JSON.stringify({ aps: {}, pad: 'x'.repeat(bytes - empty.length) });
}

describe('APNS simulator: request validation', () => {
  const key = makeProviderKey();
  const otherKey = makeProviderKey();
  const iat = Math.floor(Date.now() / 1000);
  const jwt = signJwt(key, iat);
  let sim: ApnsSimulator;
  let client: ClientHttp2Session;

  before(async () => {
    sim = await startApnsSimulator({
      teamId: TEAM,
      keys: { [KEY_ID]: key.publicKeyPem },
      topics: [TOPIC, `${TOPIC}.voip`, 'com.example.app.complication'],
    });
    client = await connectTo(sim);
  });
  after(async () => {
    client.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  async function expectRejected(push: Push, status: number, reason: string): Promise<void> {
    const acceptedBefore = sim.stats.accepted;
    const answer = await send(client, { jwt, ...push });
    assert.equal(answer.status, status, `expected ${status} ${reason}, got ${answer.status} ${answer.body}`);
    assert.deepEqual(answer.json, { reason });
    assert.equal(sim.stats.accepted, acceptedBefore);
    assert.equal(sim.rejected.at(-1)?.reason, reason);
  }
  async function expectAccepted(push: Push): Promise<void> {
    const answer = await send(client, { jwt, ...push });
    assert.equal(answer.status, 200, answer.body);
  }

  test('a repeated header field is DuplicateHeaders (400)', () =>
    expectRejected({ headers: { 'apns-topic': [TOPIC, TOPIC] } }, 400, 'DuplicateHeaders'));

  test('an apns-id that is not a canonical UUID is BadMessageId (400)', () =>
    expectRejected({ headers: { 'apns-id': 'message-1' } }, 400, 'BadMessageId'));

  test('a method other than POST is MethodNotAllowed (405)', () =>
    expectRejected({ method: 'PUT' }, 405, 'MethodNotAllowed'));

  test('a path other than /3/device/<token> is BadPath (404)', () =>
    expectRejected({ path: `/3/devices/${deviceToken()}` }, 404, 'BadPath'));

  test('a /3/device/ path without a token is MissingDeviceToken (400)', () =>
    expectRejected({ path: '/3/device/' }, 400, 'MissingDeviceToken'));

  test('a request without apns-topic is MissingTopic (400)', () =>
    expectRejected({ headers: { 'apns-topic': undefined } }, 400, 'MissingTopic'));

  test('a topic outside the allowed topics is TopicDisallowed (400)', () =>
    expectRejected({ headers: { 'apns-topic': 'com.someone.else' } }, 400, 'TopicDisallowed'));

  test('a collapse id over 64 bytes is BadCollapseId (400), counting bytes not characters', async () => {
    await expectRejected({ headers: { 'apns-collapse-id': 'x'.repeat(65) } }, 400, 'BadCollapseId');
    await expectRejected({ headers: { 'apns-collapse-id': 'é'.repeat(33) } }, 400, 'BadCollapseId');
  });

  test('a collapse id of exactly 64 bytes is accepted', () =>
    expectAccepted({ headers: { 'apns-collapse-id': 'x'.repeat(64) } }));

  test('a priority other than 1, 5 or 10 is BadPriority (400)', () =>
    expectRejected({ headers: { 'apns-priority': '7' } }, 400, 'BadPriority'));

  test('a background push with priority 10 is BadPriority (400)', () =>
    expectRejected({ headers: { 'apns-push-type': 'background', 'apns-priority': '10' } }, 400, 'BadPriority'));

  test('a background push with priority 5 is accepted', () =>
    expectAccepted({
      headers: { 'apns-push-type': 'background', 'apns-priority': '5' },
      body: '{"aps":{"content-available":1}}',
    }));

  test('an apns-expiration that is not epoch seconds is BadExpirationDate (400)', () =>
    expectRejected({ headers: { 'apns-expiration': 'tomorrow' } }, 400, 'BadExpirationDate'));

  test('an unknown apns-push-type is InvalidPushType (400)', () =>
    expectRejected({ headers: { 'apns-push-type': 'banner' } }, 400, 'InvalidPushType'));

  test('a voip push to a topic without the .voip suffix is DeviceTokenNotForTopic (400)', () =>
    expectRejected({ headers: { 'apns-push-type': 'voip' } }, 400, 'DeviceTokenNotForTopic'));

  test('a voip push to the .voip topic is accepted', () =>
    expectAccepted({ headers: { 'apns-push-type': 'voip', 'apns-topic': `${TOPIC}.voip` } }));

  test('a token that is not 64+ hex digits is BadDeviceToken (400)', async () => {
    await expectRejected({ token: 'z'.repeat(64) }, 400, 'BadDeviceToken');
    await expectRejected({ token: 'a'.repeat(63) }, 400, 'BadDeviceToken');
  });

  test('a longer hex token and an upper-case one are accepted', async () => {
    await expectAccepted({ token: 'ab'.repeat(50) });
    await expectAccepted({ token: deviceToken().toUpperCase() });
  });

  test('a request without authorization is MissingProviderToken (403)', () =>
    expectRejected({ jwt: undefined }, 403, 'MissingProviderToken'));

  test('a token signed by another key is InvalidProviderToken (403)', () =>
    expectRejected({ jwt: signJwt({ ...otherKey, keyId: KEY_ID }, iat) }, 403, 'InvalidProviderToken'));

  test('a token naming an unknown key id is InvalidProviderToken (403)', () =>
    expectRejected({ jwt: signJwt(otherKey, iat) }, 403, 'InvalidProviderToken'));

  test('a token issued for another team is InvalidProviderToken (403)', () =>
    expectRejected({ jwt: signJwt(key, iat, 'OTHERTEAM1') }, 403, 'InvalidProviderToken'));

  test('a malformed token or a non-bearer scheme is InvalidProviderToken (403)', async () => {
    await expectRejected({ jwt: 'not.a-jwt' }, 403, 'InvalidProviderToken');
    await expectRejected({ jwt: undefined, headers: { authorization: `basic ${jwt}` } }, 403, 'InvalidProviderToken');
  });

  test('an empty payload is PayloadEmpty (400)', () => expectRejected({ body: '' }, 400, 'PayloadEmpty'));

  test('a payload over 4096 bytes is PayloadTooLarge (413); 4096 bytes is accepted', async () => {
    await expectAccepted({ body: payloadOfSize(4096) });
    await expectRejected({ body: payloadOfSize(4097) }, 413, 'PayloadTooLarge');
  });

  test('a voip payload may reach 5120 bytes; 5121 is PayloadTooLarge (413)', async () => {
    const voip = { 'apns-push-type': 'voip', 'apns-topic': `${TOPIC}.voip` };
    await expectAccepted({ headers: voip, body: payloadOfSize(5120) });
    await expectRejected({ headers: voip, body: payloadOfSize(5121) }, 413, 'PayloadTooLarge');
  });

  test('a payload far over the limit is read to its end and answered PayloadTooLarge', () =>
    expectRejected({ body: payloadOfSize(200_000) }, 413, 'PayloadTooLarge'));

  test('a payload that is not a JSON dictionary is BadPayload (400, simulator-only reason)', async () => {
    await expectRejected({ body: 'hello' }, 400, 'BadPayload');
    await expectRejected({ body: '[1,2]' }, 400, 'BadPayload');
  });

  test("checks run in Apple's order: the first failing rule gives the reason", async () => {
    await expectRejected({ method: 'PUT', headers: { 'apns-id': 'bad' } }, 400, 'BadMessageId');
    await expectRejected({ method: 'PUT', headers: { 'apns-topic': undefined } }, 405, 'MethodNotAllowed');
    await expectRejected({ token: 'zz', headers: { 'apns-topic': undefined } }, 400, 'MissingTopic');
    await expectRejected({ token: 'zz', headers: { 'apns-priority': '2' } }, 400, 'BadPriority');
    await expectRejected({ token: 'zz', jwt: 'bad' }, 400, 'BadDeviceToken');
    await expectRejected({ jwt: 'bad', body: '' }, 403, 'InvalidProviderToken');
  });

  test('a rejection echoes a valid apns-id', async () => {
    const apnsId = '0f0e0d0c-0b0a-0908-0706-050403020100';
    const answer = await send(client, { jwt, headers: { 'apns-id': apnsId, 'apns-priority': '3' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers['apns-id'], apnsId);
  });
});
