/** Optional bearer-token authentication (rest.auth_tokens), over the real server. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { bearerCheck } from '../../src/rest/bearer-auth.js';
import { CLIENTS, testServerForSuite } from './rest-test-kit.js';

const PATH = '/v3/notification/f53453455';
const BODY = '{"service":"fcm","data":{}}';
const TOKENS = ['s3cret-token', 'next.token_after~rotation=='];

describe('bearer authentication, when tokens are configured', () => {
  const t = testServerForSuite({ auth_tokens: TOKENS });
  beforeEach(() => t.dispatcher.reset());

  for (const client of CLIENTS) {
    test(`a request without Authorization is a 401 with WWW-Authenticate: Bearer and is not dispatched (${client.name})`, async () => {
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 401);
      assert.equal(answer.headers['www-authenticate'], 'Bearer');
      assert.equal(answer.body, '{"reason":"unauthorized"}');
      assert.equal(t.dispatcher.received.length, 0);
    });

    test(`a wrong token is a 401 (${client.name})`, async () => {
      const answer = await client.request(t, {
        path: PATH,
        body: BODY,
        headers: { authorization: 'Bearer s3cret-tokem' },
      });
      assert.equal(answer.status, 401);
      assert.equal(answer.headers['www-authenticate'], 'Bearer');
      assert.equal(t.dispatcher.received.length, 0);
    });

    test(`a right token admits the request (${client.name})`, async () => {
      const answer = await client.request(t, { path: PATH, body: BODY, headers: { authorization: 'Bearer s3cret-token' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.body, 'null');
      assert.equal(t.dispatcher.received.length, 1);
    });

    test(`the second configured token works too and the scheme is case-insensitive (${client.name})`, async () => {
      const answer = await client.request(t, {
        path: '/v1/notification/abc',
        body: '{"service":"fcm","title":"t","body":"b"}',
        headers: { authorization: `bearer ${TOKENS[1]}` },
      });
      assert.equal(answer.status, 200);
    });

    test(`an unknown path is a 401 too: nothing is revealed before authentication (${client.name})`, async () => {
      const answer = await client.request(t, { path: '/v9/nothing', body: BODY });
      assert.equal(answer.status, 401);
    });
  }
});

describe('bearer authentication, by default', () => {
  const t = testServerForSuite();

  for (const client of CLIENTS) {
    test(`requests without Authorization are served (${client.name})`, async () => {
      const answer = await client.request(t, { path: PATH, body: BODY });
      assert.equal(answer.status, 200);
    });
  }
});

describe('bearerCheck', () => {
  test('is off (undefined) for an empty token list', () => {
    assert.equal(bearerCheck([]), undefined);
  });

  test('accepts exactly the configured tokens with the Bearer scheme', () => {
    const check = bearerCheck(TOKENS)!;
    assert.equal(check('Bearer s3cret-token'), true);
    assert.equal(check('BEARER  s3cret-token '), true);
    for (const refused of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      's3cret-token',
      'Basic s3cret-token',
      'Bearer s3cret-token-longer',
      'Bearer s3cret',
      'Bearer s3cret-token x',
    ]) {
      assert.equal(check(refused), false, `expected ${JSON.stringify(refused)} to be refused`);
    }
  });
});
