import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpsRequest } from 'node:https';
import { describe, test } from 'node:test';
import { encrypt } from '../../src/push-service/webpush/encrypt.js';
import { webPushHeaders } from '../../src/push-service/webpush/headers.js';
import { vapidAuthorization } from '../../src/push-service/webpush/vapid.js';
import { vapidKeyPair } from '../../src/push-service/webpush/vapid-keys.js';
import { APP_SERVER_KEYS, SUBJECT, onWebPushSimulator, push } from './webpush-test-client.js';

describe('Web Push simulator: a push is decrypted and recorded', () => {
  const on = onWebPushSimulator();

  test('an encrypted push is answered 201 Created with a Location, and recorded with the plaintext sent and its headers', async () => {
    const subscription = on.sim.createSubscription();
    const payload = JSON.stringify({ title: 'New message', body: 'Hello from Herald ✓' });
    const answer = await push(on.client, subscription, { payload, options: { ttl: 3_600, urgency: 'high', topic: 'inbox' } });
    assert.equal(answer.status, 201);
    assert.match(String(answer.headers.location), new RegExp(`^${on.sim.url}/m/[\\w-]+$`));
    const [record] = await on.sim.waitForReceived(1);
    assert.equal(record?.plaintext?.toString('utf8'), payload);
    assert.deepEqual(
      { token: record?.token, ttl: record?.ttl, urgency: record?.urgency, topic: record?.topic, sub: record?.vapidSubject },
      { token: subscription.endpoint.split('/').pop(), ttl: 3_600, urgency: 'high', topic: 'inbox', sub: SUBJECT },
    );
    assert.ok(String(answer.headers.location).endsWith(`/m/${record?.messageId}`));
  });

  test('the largest payload, 3993 bytes in a 4096-byte body, arrives whole', async () => {
    const subscription = on.sim.createSubscription();
    const payload = Buffer.alloc(3_993, 'x');
    assert.equal((await push(on.client, subscription, { payload })).status, 201);
    assert.deepEqual((await on.sim.waitForReceived(1))[0]?.plaintext, payload);
  });

  test('a push without payload (no body, no content coding) is accepted with an empty plaintext', async () => {
    const answer = await push(on.client, on.sim.createSubscription());
    assert.equal(answer.status, 201);
    assert.equal((await on.sim.waitForReceived(1))[0]?.plaintext?.length, 0);
  });

  test("a body encrypted to another subscription's keys is accepted, as a push service cannot tell, and recorded undecryptable", async () => {
    const [target, other] = [on.sim.createSubscription(), on.sim.createSubscription()];
    const answer = await push(on.client, target, { body: encrypt('for someone else', other) });
    assert.equal(answer.status, 201);
    const [record] = await on.sim.waitForReceived(1);
    assert.equal(record?.plaintext, undefined);
    assert.match(record?.problem ?? '', /does not authenticate/);
    assert.equal(on.sim.stats.undecryptable, 1);
  });

  test('HTTP/1.1 is served too: the same push over https/1.1 is answered 201 and decrypted', async () => {
    const subscription = on.sim.createSubscription();
    const body = encrypt('over HTTP/1.1', subscription);
    const url = new URL(subscription.endpoint);
    const authorization = vapidAuthorization(url.origin, SUBJECT, vapidKeyPair(APP_SERVER_KEYS), Math.floor(Date.now() / 1_000) + 600);
    const req = httpsRequest(url, { method: 'POST', ca: on.sim.ca, headers: { ...webPushHeaders({ ttl: 30 }, body.length), authorization } });
    req.end(body);
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    res.resume();
    assert.equal(res.httpVersion, '1.1');
    assert.equal(res.statusCode, 201);
    assert.equal((await on.sim.waitForReceived(1))[0]?.plaintext?.toString(), 'over HTTP/1.1');
  });
});
