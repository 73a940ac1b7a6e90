/**
 * The bridge's transport against plain node:http(s) servers on port 0: keep-alive connections
 * bounded by `connections`, TLS with a CA file, the bearer token, and what each failure to get
 * an answer is reported as.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateConfig } from '../../src/core/config/load.js';
import { isHeraldError } from '../../src/core/errors.js';
import { generateLocalhostPair, type TlsPair } from '../../src/core/tls.js';
import type { PushNotification } from '../../src/push-service/notification.js';
import { RemotePushDispatcher, startRemotePush } from '../../src/remote-push/index.js';
import { closedPort } from '../support/loopback.js';
import { startRecordingServer, type RecordingServer } from './harness.js';

const NOTIFICATION: PushNotification = {
  service: 'apns',
  device_id: 'a'.repeat(64),
  mode: 'prod',
  alert: { title: 'alice@localhost', body: 'OH, HAI!' },
};

function dispatcher(url: string, extra: Partial<ConstructorParameters<typeof RemotePushDispatcher>[0]> = {}): RemotePushDispatcher {
  return new RemotePushDispatcher({ url, apiVersion: 'v3', connections: 2, maxPending: 100, requestTimeoutMs: 2_000, ...extra });
}

describe('over plain HTTP', () => {
  let server: RecordingServer;
  before(async () => (server = await startRecordingServer()));
  after(() => server.close());

  test('requests share keep-alive connections, never more than `connections`', async () => {
    const remote = dispatcher(server.url, { connections: 2 });
    const opened = server.connectionsOpened;
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => remote.send(NOTIFICATION)));
    assert.ok(outcomes.every((o) => o.ok));
    const more = await Promise.all(Array.from({ length: 5 }, () => remote.send(NOTIFICATION)));
    assert.ok(more.every((o) => o.ok));
    assert.ok(server.connectionsOpened - opened <= 2, `${server.connectionsOpened - opened} connections opened`);
    await remote.close();
  });

  test('the URL path is a prefix of the notification path', async () => {
    const remote = dispatcher(`${server.url}/mongoosepush/`);
    await remote.send(NOTIFICATION);
    assert.equal(server.requests.at(-1)!.path, `/mongoosepush/v3/notification/${'a'.repeat(64)}`);
    await remote.close();
  });

  test('the auth token is sent as a bearer token, and no authorization header without one', async () => {
    const withToken = dispatcher(server.url, { authToken: 's3cr3t-token' });
    await withToken.send(NOTIFICATION);
    assert.equal(server.requests.at(-1)!.headers.authorization, 'Bearer s3cr3t-token');
    await withToken.close();
    const without = dispatcher(server.url);
    await without.send(NOTIFICATION);
    assert.equal(server.requests.at(-1)!.headers.authorization, undefined);
    await without.close();
  });

  test('the status and the remote reason stay in the outcome', async () => {
    const remote = dispatcher(server.url);
    server.answer({ status: 503, body: '{"reason":"unable_to_connect"}' });
    assert.deepEqual(await remote.send(NOTIFICATION), { ok: false, reason: 'service_internal', status: 503, providerReason: 'unable_to_connect' });
    await remote.close();
  });

  test('an unanswered request is request_timeout, a cut connection connection_lost', async () => {
    const remote = dispatcher(server.url, { requestTimeoutMs: 200 });
    server.answer('hang');
    assert.deepEqual(await remote.send(NOTIFICATION), { ok: false, reason: 'request_timeout' });
    server.answer('destroy');
    assert.equal((await remote.send(NOTIFICATION) as { reason: string }).reason, 'connection_lost');
    assert.equal(remote.inFlight, 0);
    await remote.close();
  });

  test('a refused connection is unable_to_connect', async () => {
    const remote = dispatcher(`http://127.0.0.1:${await closedPort()}`);
    assert.deepEqual(await remote.send(NOTIFICATION), { ok: false, reason: 'unable_to_connect', providerReason: 'ECONNREFUSED' });
    await remote.close();
  });

  test('close waits for the request in flight, then refuses new notifications', async () => {
    const remote = dispatcher(server.url);
    let release!: (a: { status: number; body: string }) => void;
    server.answer(new Promise((r) => (release = r)));
    const before = server.requests.length;
    const sending = remote.send(NOTIFICATION);
    await server.received(before + 1);
    const closing = remote.close();
    assert.throws(() => remote.send(NOTIFICATION), (e: unknown) => isHeraldError(e, 'HERALD_SHUTTING_DOWN'));
    release({ status: 200, body: 'null' });
    assert.deepEqual(await sending, { ok: true, id: '' });
    await closing;
  });
});

describe('over HTTPS with a self-signed certificate', () => {
  let tls: TlsPair;
  let server: RecordingServer;
  let dir: string;
  before(async () => {
    tls = await generateLocalhostPair();
    server = await startRecordingServer({ tls });
    dir = mkdtempSync(join(tmpdir(), 'herald-remote-ca-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('remote_push.ca_file makes the certificate trusted', async () => {
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, tls.cert);
    const config = validateConfig({ remote_push: { enabled: true, url: server.url, ca_file: caFile } });
    const remote = startRemotePush(config.remote_push);
    assert.deepEqual(await remote.send(NOTIFICATION), { ok: true, id: '' });
    assert.equal(server.requests.at(-1)!.path, `/v3/notification/${'a'.repeat(64)}`);
    await remote.close();
  });

  test('without the CA the handshake fails and the push is unable_to_connect', async () => {
    const before = server.requests.length;
    const remote = dispatcher(server.url);
    const outcome = await remote.send(NOTIFICATION);
    assert.equal((outcome as { reason: string }).reason, 'unable_to_connect');
    assert.equal(server.requests.length, before);
    await remote.close();
  });

  test('an unreadable ca_file is named at start', () => {
    const config = validateConfig({ remote_push: { enabled: true, url: server.url, ca_file: join(dir, 'missing.pem') } });
    assert.throws(() => startRemotePush(config.remote_push), (e: unknown) => isHeraldError(e, 'HERALD_CONFIG_FILE') && /remote_push\.ca_file/.test(e.message));
  });
});
