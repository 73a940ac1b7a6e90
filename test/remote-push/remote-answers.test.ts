/**
 * The remote's answers become the App Server's answers (through Herald's library API), as
 * MongooseIM reads them: 410 is a dead device (cancel/not-acceptable + device-not-registered);
 * every other status, a timeout and a refused connection are `wait`, so the XMPP server keeps
 * the registration.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  bridgeConfig,
  closedPort,
  createNodeIq,
  MONGOOSEIM_SUMMARY,
  outcomeOf,
  publishIq,
  removeDir,
  startHerald,
  startRecordingServer,
  tempDir,
  type RecordingServer,
  type RunningHerald,
} from './harness.js';

const OPTIONS = { service: 'apns', device_id: 'a'.repeat(64) };
/** Short, so that the unanswered request ends quickly; the assertion is on the answer, not the time. */
const REQUEST_TIMEOUT_MS = 300;

describe('a remote service that answers', () => {
  let server: RecordingServer;
  let a: RunningHerald;
  let dir: string;

  before(async () => {
    server = await startRecordingServer();
    dir = tempDir();
    a = await startHerald(bridgeConfig(dir, { url: server.url, request_timeout_ms: REQUEST_TIMEOUT_MS }));
    assert.equal(outcomeOf(await a.iq(createNodeIq('n1'))), 'result');
  });
  after(async () => {
    await a.close();
    await server.close();
    removeDir(dir);
  });

  const publish = (): Promise<string> => a.iq(publishIq('n1', OPTIONS, MONGOOSEIM_SUMMARY)).then(outcomeOf);

  test('200 is a delivered push', async () => {
    server.answer({ status: 200, body: 'null' });
    assert.equal(await publish(), 'result');
  });

  test('410 is a dead device: cancel/not-acceptable with device-not-registered', async () => {
    server.answer({ status: 410, body: '{"reason":"unregistered"}' });
    assert.equal(await publish(), 'cancel/not-acceptable+device-not-registered');
  });

  const waits: Array<[number, string, string]> = [
    [400, '{"reason":"invalid_request"}', 'wait/internal-server-error'],
    [413, '{"reason":"payload_too_large"}', 'wait/internal-server-error'],
    [429, '{"reason":"too_many_requests"}', 'wait/resource-constraint'],
    [500, '{"details":"Unregistered"}', 'wait/internal-server-error'],
    [503, '{"reason":"service_internal"}', 'wait/internal-server-error'],
  ];
  for (const [status, body, expected] of waits) {
    test(`${status} ${body} is answered ${expected}`, async () => {
      server.answer({ status, body });
      assert.equal(await publish(), expected);
    });
  }

  test('no answer within request_timeout_ms is answered wait', async () => {
    server.answer('hang');
    assert.equal(await publish(), 'wait/internal-server-error');
  });

  test('a connection cut before the answer is answered wait', async () => {
    server.answer('destroy');
    assert.equal(await publish(), 'wait/internal-server-error');
  });

  test('after a timeout the next publish is delivered on a fresh connection', async () => {
    server.answer('hang');
    assert.equal(await publish(), 'wait/internal-server-error');
    server.answer({ status: 200, body: 'null' });
    assert.equal(await publish(), 'result');
  });
});

describe('a remote service that is not there', () => {
  let a: RunningHerald;
  let dir: string;

  before(async () => {
    dir = tempDir();
    a = await startHerald(bridgeConfig(dir, { url: `http://127.0.0.1:${await closedPort()}` }));
    assert.equal(outcomeOf(await a.iq(createNodeIq('n1'))), 'result');
  });
  after(async () => {
    await a.close();
    removeDir(dir);
  });

  test('a refused connection is answered wait', async () => {
    const reply = await a.iq(publishIq('n1', OPTIONS, MONGOOSEIM_SUMMARY));
    assert.equal(outcomeOf(reply), 'wait/internal-server-error');
  });
});
