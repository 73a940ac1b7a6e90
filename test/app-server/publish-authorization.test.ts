import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { secretsEqual } from '../../src/app-server/publish-authorization.js';
import { affiliateIq, answerOf, ask, createIq, harnessForSuite, OWNER, publishIq, registerDevice, startHarness, type Harness } from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };
const SUMMARY = { 'last-message-body': 'hi' };
const TOKEN = 'ab'.repeat(32);

/** `result`, or the error in errorOf notation, of a publish from `from` carrying `options`. */
async function publishAs(h: Harness, node: string, from: string, options: Record<string, string> = OPTIONS): Promise<string> {
  return answerOf(await ask(h.role, publishIq(node, options, SUMMARY, from)));
}

describe('authorising publishes by server only', () => {
  const h = harnessForSuite({ config: { app_server: { publish_authorization: ['server'] } }, nodes: ['n'] });
  before(async () => {
    await ask(h.role, affiliateIq('n', 'push.other.example', 'publish-only'));
  });

  it("accepts the owner's server and refuses affiliates, even the owner, with auth/forbidden", async () => {
    assert.equal(await publishAs(h, 'n', 'example.com'), 'result');
    assert.equal(await publishAs(h, 'n', 'push.other.example'), 'auth/forbidden');
    assert.equal(await publishAs(h, 'n', `${OWNER}/phone`), 'auth/forbidden');
    assert.equal(h.dispatcher.sent.length, 1);
  });
});

describe('authorising publishes by affiliation only', () => {
  const h = harnessForSuite({ config: { app_server: { publish_authorization: ['affiliation'] } }, nodes: ['n'] });

  it("refuses the owner's server until the owner affiliates it, as MongooseIM's client guide does", async () => {
    assert.equal(await publishAs(h, 'n', 'example.com'), 'auth/forbidden');
    await ask(h.role, affiliateIq('n', 'example.com', 'publish-only'));
    assert.equal(await publishAs(h, 'n', 'example.com'), 'result');
  });

  it('accepts the owner and publisher affiliates, refuses everyone else', async () => {
    await ask(h.role, affiliateIq('n', 'pub@other.example', 'publisher'));
    assert.equal(await publishAs(h, 'n', `${OWNER}/phone`), 'result');
    assert.equal(await publishAs(h, 'n', 'pub@other.example/r'), 'result');
    assert.equal(await publishAs(h, 'n', 'someone@other.example'), 'auth/forbidden');
  });
});

describe('authorising publishes by secret only', () => {
  const h = harnessForSuite({ config: { app_server: { publish_authorization: ['secret'] } } });
  let node: string;
  let secret: string;
  before(async () => {
    ({ node, secret } = await registerDevice(h.role, { token: TOKEN, 'device-id': 'd1' }));
    await ask(h.role, createIq('plain'));
  });

  it('accepts any publisher carrying the secret and refuses a wrong or missing secret with auth/forbidden', async () => {
    assert.equal(await publishAs(h, node, 'anywhere.example', { secret }), 'result');
    assert.equal(await publishAs(h, node, 'example.com', {}), 'auth/forbidden', 'even the registered server needs it');
    assert.equal(await publishAs(h, node, 'example.com', { secret: `${secret}x` }), 'auth/forbidden');
    assert.equal(await publishAs(h, node, 'example.com', { secret: secret.slice(0, -1) }), 'auth/forbidden');
    assert.equal(h.dispatcher.sent.length, 1);
  });

  it('refuses every publish to a node that has no secret', async () => {
    assert.equal(await publishAs(h, 'plain', 'example.com', { ...OPTIONS, secret: '' }), 'auth/forbidden');
    assert.equal(await publishAs(h, 'plain', `${OWNER}/phone`), 'auth/forbidden');
  });

  it('never forwards the secret to the push service', async () => {
    h.dispatcher.sent.length = 0;
    await publishAs(h, node, 'anywhere.example', { secret });
    assert.ok(!JSON.stringify(h.dispatcher.sent).includes(secret));
  });
});

describe('authorising publishes when every listed method must hold', () => {
  const h = harnessForSuite({ config: { app_server: { publish_authorization: ['server', 'secret'], publish_authorization_match: 'all' } } });
  let node: string;
  let secret: string;
  before(async () => {
    ({ node, secret } = await registerDevice(h.role, { token: TOKEN, 'device-id': 'd1' }));
  });

  it("accepts only the owner's server carrying the secret", async () => {
    assert.equal(await publishAs(h, node, 'example.com', { secret }), 'result');
    assert.equal(await publishAs(h, node, 'example.com', {}), 'auth/forbidden');
    assert.equal(await publishAs(h, node, 'elsewhere.example', { secret }), 'auth/forbidden');
  });
});

describe('the authorisation settings', () => {
  it('refuse an empty or repeated method list at start', async () => {
    await assert.rejects(startHarness({ app_server: { publish_authorization: [] } }), /publish_authorization/);
    await assert.rejects(startHarness({ app_server: { publish_authorization: ['server', 'server'] } }), /publish_authorization/);
    await assert.rejects(startHarness({ app_server: { publish_authorization: ['password'] } }), /publish_authorization/);
  });
});

describe('comparing secrets', () => {
  it('matches equal secrets only, whatever their lengths', () => {
    assert.equal(secretsEqual('s3cr3t-value', 's3cr3t-value'), true);
    assert.equal(secretsEqual('s3cr3t-value', 's3cr3t-valuf'), false);
    assert.equal(secretsEqual('s3cr3t-value', 's3cr3t'), false);
    assert.equal(secretsEqual('s3cr3t', ''), false);
  });
});
