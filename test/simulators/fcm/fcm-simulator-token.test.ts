import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:https';
import type { ClientHttp2Session } from 'node:http2';
import { after, before, describe, test } from 'node:test';
import { startFcmSimulator, serviceAccountFor, type FcmSimulator } from '../../../src/simulators/fcm/index.js';
import { connectTo, grantForm, requestToken, signAssertion } from './fcm-test-client.js';

describe('FCM simulator: the OAuth token endpoint', () => {
  let sim: FcmSimulator;
  let client: ClientHttp2Session;
  before(async () => {
    sim = await startFcmSimulator();
    client = await connectTo(sim);
  });
  after(async () => {
    client.close();
    await sim.close();
  });

  test('the generated service account names the simulator as its token URI and project', () => {
    const account = serviceAccountFor(sim);
    assert.equal(account.type, 'service_account');
    assert.equal(account.project_id, sim.projectId);
    assert.equal(account.token_uri, `${sim.url}/token`);
    assert.match(account.private_key, /^-----BEGIN PRIVATE KEY-----/);
    assert.match(account.client_email, /@.+\.iam\.gserviceaccount\.com$/);
  });

  test('a valid RS256 assertion is exchanged for a Bearer access token and counted', async () => {
    const before = sim.stats.tokensIssued;
    const answer = await requestToken(client, grantForm(signAssertion(sim.serviceAccount)));
    assert.equal(answer.status, 200);
    assert.equal(answer.json?.token_type, 'Bearer');
    assert.equal(answer.json?.expires_in, 3600);
    assert.equal(typeof answer.json?.access_token, 'string');
    assert.ok((answer.json?.access_token as string).length > 20);
    assert.equal(sim.stats.tokensIssued, before + 1);
  });

  test('two grants give two different access tokens', async () => {
    const form = grantForm(signAssertion(sim.serviceAccount));
    const [a, b] = await Promise.all([requestToken(client, form), requestToken(client, form)]);
    assert.notEqual(a.json?.access_token, b.json?.access_token);
  });

  test('the token endpoint also answers over HTTP/1.1', async () => {
    const form = grantForm(signAssertion(sim.serviceAccount));
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${sim.url}/token`,
        { method: 'POST', ca: sim.ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(form);
    });
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).token_type, 'Bearer');
  });

  test('a service account created later is trusted too', async () => {
    const account = await sim.createServiceAccount();
    assert.notEqual(account.client_email, sim.serviceAccount.client_email);
    assert.equal((await requestToken(client, grantForm(signAssertion(account)))).status, 200);
  });

  const invalidGrants: Array<[string, () => string]> = [
    [
      'an assertion signed with another key',
      () => {
        const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
        return grantForm(signAssertion(sim.serviceAccount, {}, other.export({ type: 'pkcs8', format: 'pem' }).toString()));
      },
    ],
    ['an assertion without the firebase.messaging scope', () => grantForm(signAssertion(sim.serviceAccount, { scope: 'https://www.googleapis.com/auth/cloud-platform' }))],
    ['an assertion for another audience', () => grantForm(signAssertion(sim.serviceAccount, { aud: 'https://oauth2.googleapis.com/token' }))],
    [
      'an expired assertion',
      () => {
        const iat = Math.floor(Date.now() / 1000) - 7200;
        return grantForm(signAssertion(sim.serviceAccount, { iat, exp: iat + 3600 }));
      },
    ],
    [
      'an assertion valid for more than one hour',
      () => {
        const iat = Math.floor(Date.now() / 1000);
        return grantForm(signAssertion(sim.serviceAccount, { iat, exp: iat + 7200 }));
      },
    ],
    ['an assertion issued in the future', () => grantForm(signAssertion(sim.serviceAccount, { iat: Math.floor(Date.now() / 1000) + 600 }))],
    ['an assertion from an unknown client_email', () => grantForm(signAssertion(sim.serviceAccount, { iss: 'nobody@x.iam.gserviceaccount.com' }))],
    ['a grant of another type', () => grantForm(signAssertion(sim.serviceAccount), 'client_credentials')],
    ['garbage instead of a JWT', () => grantForm('not.a.jwt')],
  ];
  for (const [what, form] of invalidGrants) {
    test(`${what} is refused with 400 invalid_grant and no token`, async () => {
      const issued = sim.stats.tokensIssued;
      const answer = await requestToken(client, form());
      assert.equal(answer.status, 400);
      assert.equal(answer.json?.error, 'invalid_grant');
      assert.equal(typeof answer.json?.error_description, 'string');
      assert.equal(answer.json?.access_token, undefined);
      assert.equal(sim.stats.tokensIssued, issued);
    });
  }
});
