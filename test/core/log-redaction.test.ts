/**
 * No device token, message content or credential reaches a log line: first the redaction rules
 * on their own, then real request paths (REST refusals and failures, APNS and FCM rejections
 * from the simulators, a wrong bearer token) with every line captured.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { HeraldError } from '../../src/core/errors.js';
import { createLogger, deviceTokenHint, redact, redacting, type Logger } from '../../src/core/log.js';
import type { Herald } from '../../src/embed/engine.js';
import { cleanup, configIn, tempDir } from '../e2e/harness.js';
import { startTestServer, h2Request, type TestServer } from '../rest/rest-test-kit.js';
import { startHeraldOnSimulators, type OnSimulators } from '../support/on-simulators.js';

/** A logger writing JSON lines into memory, as createLogger writes them to stderr. */
function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('debug', (line) => lines.push(line)), lines };
}

const events = (lines: readonly string[]) => lines.map((l) => (JSON.parse(l) as { event: string }).event);

function assertAbsent(lines: readonly string[], secrets: Record<string, string>): void {
  const text = lines.join('');
  for (const [what, secret] of Object.entries(secrets)) assert.ok(!text.includes(secret), `the ${what} (${secret}) is in the log:\n${text}`);
}

describe('redaction rules', () => {
  test('a device token shows only its first six characters and its length, whatever the spelling of its field', () => {
    const token = 'c0ffee' + 'ab'.repeat(29);
    const out = redact({ device_id: token, deviceToken: token, nested: { 'Device-Id': token } });
    assert.deepEqual(out, { device_id: 'c0ffee…[64]', deviceToken: 'c0ffee…[64]', nested: { 'Device-Id': 'c0ffee…[64]' } });
  });

  test('a device token too short for a hint is redacted whole', () => {
    assert.equal(deviceTokenHint('f53453455'), '[redacted]');
    assert.deepEqual(redact({ device_id: 'f53453455' }), { device_id: '[redacted]' });
  });

  test('credentials and message content are redacted by field name at any depth, arrays included', () => {
    const out = redact({
      authorization: 'Bearer abc',
      access_token: 'opaque-1',
      auth_tokens: ['one-token', 'two-token'],
      privateKeyPem: 'pem',
      client_secret: 's',
      assertion: 'jwt',
      notification: { service: 'apns', alert: { title: 'alice', body: 'hello' }, data: { 'last-message-body': 'hi' } },
      list: [{ body: 'in an array' }],
      'last-message-body': 'summary',
      reason: 'kept',
    });
    assert.deepEqual(out, {
      authorization: '[redacted]',
      access_token: '[redacted]',
      auth_tokens: '[redacted]',
      privateKeyPem: '[redacted]',
      client_secret: '[redacted]',
      assertion: '[redacted]',
      notification: { service: 'apns', alert: '[redacted]', data: '[redacted]' },
      list: [{ body: '[redacted]' }],
      'last-message-body': '[redacted]',
      reason: 'kept',
    });
  });

  test('a value hidden by its field name is scrubbed from every other string of the line, error messages included', () => {
    const token = 'fcm-registration-token-0042';
    const out = redact({
      device_id: token,
      body: 'see you at noon',
      error: new HeraldError('HERALD_TRANSPORT', `no session for ${token}`),
      reason: 'the text was "see you at noon"',
    });
    const error = out.error as { message: string; code: string };
    assert.equal(error.code, 'HERALD_TRANSPORT');
    assert.match(error.message, /no session for \[redacted\]$/);
    assert.equal(out.reason, 'the text was "[redacted]"');
  });

  test('strings shaped like credentials are scrubbed whatever their field', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiIsImtpZCI6IkFCQyJ9.eyJpc3MiOiJURUFNIiwiaWF0IjoxfQ.c2lnbmF0dXJl';
    const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----';
    const apnsToken = randomBytes(32).toString('hex');
    const out = redact({
      header: 'Authorization: Bearer s3cret-value',
      jwt_in_text: `provider token ${jwt} expired`,
      pem_in_text: `bad key ${pem}`,
      oauth: 'got ya29.a0AfH6SMBx-c2ltdWxhdGVk from the token endpoint',
      path: `/3/device/${apnsToken}`,
      url: 'https://127.0.0.1:8443',
    });
    assert.deepEqual(out, {
      header: 'Authorization: Bearer [redacted]',
      jwt_in_text: 'provider token [redacted jwt] expired',
      pem_in_text: 'bad key [redacted private key]',
      oauth: 'got [redacted access token] from the token endpoint',
      path: '/3/device/[redacted]',
      url: 'https://127.0.0.1:8443',
    });
  });

  test("a host's logger wrapped by redacting() receives redacted fields, and wrapping twice changes nothing", () => {
    const seen: unknown[] = [];
    const host: Logger = { debug() {}, info: (_e, f) => seen.push(f), warn() {}, error() {} };
    const wrapped = redacting(host);
    assert.equal(redacting(wrapped), wrapped);
    const own = createLogger('info', () => {});
    assert.equal(redacting(own), own, "Herald's own logger redacts already");
    wrapped.info('e', { device_id: 'd'.repeat(40), body: 'x' });
    assert.deepEqual(seen, [{ device_id: 'dddddd…[40]', body: '[redacted]' }]);
  });

  test('a line with fields JSON cannot encode is still written', () => {
    const { log, lines } = capturingLogger();
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    log.error('odd.fields', { cyclic, big: 10n });
    assert.deepEqual(events(lines), ['odd.fields']);
  });
});

/** A 40-character FCM-style token: too short for the "long opaque run" rule, so only the field name protects it. */
const fcmLikeToken = () => `d${randomBytes(13).toString('hex')}:APA91b${randomBytes(3).toString('hex')}`;

describe('REST paths, logged through createLogger', () => {
  const BEARER = `bearer-${randomBytes(8).toString('hex')}`;
  const WRONG_BEARER = `wrong-${randomBytes(8).toString('hex')}`;
  const ALERT_BODY = 'meet me at the usual place, 7f3a';
  const ALERT_TITLE = 'juliet-title-c41d';
  let t: TestServer;
  let lines: string[];
  const capture = capturingLogger();
  const post = (token: string, body: string, auth = BEARER) =>
    h2Request(t, { path: `/v3/notification/${token}`, body, headers: { authorization: `Bearer ${auth}` } });

  before(async () => {
    t = await startTestServer({ auth_tokens: [BEARER] }, capture.log);
    lines = capture.lines;
  });
  after(() => t.close());
  beforeEach(() => {
    lines.length = 0;
    t.dispatcher.throws = undefined;
    t.dispatcher.outcome = { ok: true, id: 'x' };
  });

  test('a wrong bearer token is logged as rest.unauthorized, without the token presented or the one configured', async () => {
    const token = fcmLikeToken();
    const answer = await post(token, JSON.stringify({ service: 'fcm', alert: { title: ALERT_TITLE, body: ALERT_BODY } }), WRONG_BEARER);
    assert.equal(answer.status, 401);
    assert.deepEqual(events(lines), ['rest.unauthorized']);
    assertAbsent(lines, { 'presented bearer': WRONG_BEARER, 'configured bearer': BEARER, 'device token': token, body: ALERT_BODY });
  });

  test('a body failing validation is logged as rest.invalid_notification, with neither the body nor the token', async () => {
    const token = fcmLikeToken();
    const body = JSON.stringify({ service: 'apns', alert: { title: ALERT_TITLE, body: ALERT_BODY, colour: 'red' }, data: { 'last-message-body': ALERT_BODY } });
    const answer = await post(token, body);
    assert.equal(answer.status, 422);
    assert.deepEqual(events(lines), ['rest.invalid_notification']);
    const line = JSON.parse(lines[0]!) as { device_id: string; problems: string[] };
    assert.equal(line.device_id, deviceTokenHint(token));
    assert.deepEqual(line.problems, ['Unexpected field: colour']);
    assertAbsent(lines, { 'device token': token, 'alert body': ALERT_BODY, 'alert title': ALERT_TITLE, bearer: BEARER });
  });

  test('a body that is not JSON is logged without a byte of it', async () => {
    const token = fcmLikeToken();
    const answer = await post(token, `{"service":"apns","alert":{"body":"${ALERT_BODY}"`);
    assert.equal(answer.status, 422);
    assert.deepEqual(events(lines), ['rest.invalid_notification']);
    assertAbsent(lines, { 'device token': token, 'alert body': ALERT_BODY });
  });

  test('a notification that is sent logs nothing', async () => {
    const answer = await post(fcmLikeToken(), JSON.stringify({ service: 'fcm', alert: { title: ALERT_TITLE, body: ALERT_BODY } }));
    assert.equal(answer.status, 200);
    assert.deepEqual(lines, []);
  });

  test('a provider rejection is logged as rest.push_failed with its reasons and the token as a hint only', async () => {
    const token = fcmLikeToken();
    t.dispatcher.outcome = { ok: false, reason: 'invalid_request', providerReason: 'INVALID_ARGUMENT', status: 400 };
    const answer = await post(token, JSON.stringify({ service: 'fcm', alert: { title: ALERT_TITLE, body: ALERT_BODY } }));
    assert.equal(answer.status, 400);
    assert.deepEqual(events(lines), ['rest.push_failed']);
    assert.deepEqual(
      (({ api, service, mode, reason, provider_reason, provider_status, device_id }) => ({ api, service, mode, reason, provider_reason, provider_status, device_id }))(
        JSON.parse(lines[0]!) as Record<string, unknown>,
      ),
      { api: 'v3', service: 'fcm', mode: 'prod', reason: 'invalid_request', provider_reason: 'INVALID_ARGUMENT', provider_status: 400, device_id: deviceTokenHint(token) },
    );
    assertAbsent(lines, { 'device token': token, 'alert body': ALERT_BODY, 'alert title': ALERT_TITLE });
  });

  test('a thrown error whose message repeats the token from the path is logged without it', async () => {
    const token = fcmLikeToken();
    t.dispatcher.throws = new TypeError(`cannot read the sender of ${token} ("${ALERT_BODY}")`);
    const answer = await post(token, JSON.stringify({ service: 'fcm', alert: { title: ALERT_TITLE, body: ALERT_BODY } }));
    assert.equal(answer.status, 500);
    assert.deepEqual(events(lines), ['rest.dispatcher_failed']);
    assert.match(lines[0]!, /cannot read the sender of \[redacted\]/);
    assertAbsent(lines, { 'device token': token });
  });

  test("Herald's own refusal (a full mailbox) is a debug line, without the token", async () => {
    const token = fcmLikeToken();
    t.dispatcher.throws = new HeraldError('HERALD_MAILBOX_FULL');
    const answer = await post(token, JSON.stringify({ service: 'fcm', data: { 'last-message-body': ALERT_BODY } }));
    assert.equal(answer.status, 429);
    assert.deepEqual(lines.map((l) => [JSON.parse(l).level, JSON.parse(l).event]), [['debug', 'rest.push_refused']]);
    assertAbsent(lines, { 'device token': token, body: ALERT_BODY });
  });
});

describe("a whole Herald, logging to a host's logger that does no redaction of its own", () => {
  const BEARER = `bearer-${randomBytes(8).toString('hex')}`;
  const APNS_TOKEN = randomBytes(32).toString('hex');
  const GONE_APNS_TOKEN = randomBytes(32).toString('hex');
  const FCM_TOKEN = fcmLikeToken();
  const ALERT_BODY = 'the eagle lands at dawn, 51b0';
  let dir: string;
  let engine: OnSimulators<Herald>;
  let herald: Herald;
  let ca: string;
  /** Every call the host's logger received, as the host would print it. */
  const received: string[] = [];
  const hostLogger: Logger = {
    debug: (event, fields) => received.push(JSON.stringify({ level: 'debug', event, ...fields })),
    info: (event, fields) => received.push(JSON.stringify({ level: 'info', event, ...fields })),
    warn: (event, fields) => received.push(JSON.stringify({ level: 'warn', event, ...fields })),
    error: (event, fields) => received.push(JSON.stringify({ level: 'error', event, ...fields })),
  };

  function post(path: string, body: unknown, auth: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(herald.rest!.url, { ca });
      session.on('error', reject);
      const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json', authorization: `Bearer ${auth}` });
      req.on('response', (h) => {
        req.resume();
        req.on('end', () => {
          session.close();
          resolve(Number(h[':status']));
        });
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  before(async () => {
    dir = tempDir();
    const config = configIn(dir, { rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls'), auth_tokens: [BEARER] } });
    engine = await startHeraldOnSimulators({ config, logger: hostLogger });
    herald = engine.herald;
    ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
  });
  after(async () => {
    await engine.close();
    cleanup(dir);
  });

  test('APNS BadDeviceToken and Unregistered, an FCM UNREGISTERED, a bad body and a wrong bearer are logged, never with a token, a body or a bearer', async () => {
    const alert = { title: 'romeo@localhost', body: ALERT_BODY };
    engine.apns!.program(APNS_TOKEN, { status: 400, reason: 'BadDeviceToken' });
    engine.apns!.program(GONE_APNS_TOKEN, { status: 410, reason: 'Unregistered' });
    engine.fcm!.program(FCM_TOKEN, 'UNREGISTERED');
    received.length = 0;

    assert.equal(await post(`/v3/notification/${APNS_TOKEN}`, { service: 'apns', alert }, BEARER), 400);
    assert.equal(await post(`/v3/notification/${GONE_APNS_TOKEN}`, { service: 'apns', alert, data: { 'last-message-body': ALERT_BODY } }, BEARER), 410);
    assert.equal(await post(`/v3/notification/${FCM_TOKEN}`, { service: 'fcm', alert }, BEARER), 410);
    assert.equal(await post(`/v2/notification/${APNS_TOKEN}`, { service: 'apns', alert, sender: 'x' }, BEARER), 422);
    assert.equal(await post(`/v3/notification/${APNS_TOKEN}`, { service: 'apns', alert }, `${BEARER}x`), 401);

    const failures = received.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'rest.push_failed');
    assert.deepEqual(
      failures.map((l) => [l.service, l.reason, l.provider_reason, l.device_id]),
      [
        ['apns', 'invalid_request', 'BadDeviceToken', deviceTokenHint(APNS_TOKEN)],
        ['apns', 'unregistered', 'Unregistered', deviceTokenHint(GONE_APNS_TOKEN)],
        ['fcm', 'unregistered', 'UNREGISTERED', deviceTokenHint(FCM_TOKEN)],
      ],
    );
    for (const event of ['rest.invalid_notification', 'rest.unauthorized']) assert.ok(events(received).includes(event), `${event} is logged`);
    assertAbsent(received, {
      'APNS token': APNS_TOKEN,
      'unregistered APNS token': GONE_APNS_TOKEN,
      'FCM token': FCM_TOKEN,
      'alert body': ALERT_BODY,
      bearer: BEARER,
    });
  });
});
