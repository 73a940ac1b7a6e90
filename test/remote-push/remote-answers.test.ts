/**
 * The remote's answers become the App Server's answers (through Herald's library API), as
 * MongooseIM reads them: 410 is a dead device (cancel/not-acceptable + device-not-registered);
 * every other status, a timeout and a refused connection are `wait`, so the XMPP server keeps
 * the registration.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forSuite } from '../support/for-suite.js';
import { closedPort } from '../support/loopback.js';
import { bridgeRigForSuite, startBridging } from './rig.js';

const OPTIONS = { service: 'apns', device_id: 'a'.repeat(64) };
/** Short, so that the unanswered request ends quickly; the assertion is on the answer, not the time. */
const REQUEST_TIMEOUT_MS = 300;

describe('a remote service that answers', () => {
  const rig = bridgeRigForSuite({ request_timeout_ms: REQUEST_TIMEOUT_MS });
  const publish = (): Promise<string> => rig.publish(OPTIONS);

  test('200 is a delivered push', async () => {
    rig.server.answer({ status: 200, body: 'null' });
    assert.equal(await publish(), 'result');
  });

  test('410 is a dead device: cancel/not-acceptable with device-not-registered', async () => {
    rig.server.answer({ status: 410, body: '{"reason":"unregistered"}' });
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
      rig.server.answer({ status, body });
      assert.equal(await publish(), expected);
    });
  }

  test('no answer within request_timeout_ms is answered wait', async () => {
    rig.server.answer('hang');
    assert.equal(await publish(), 'wait/internal-server-error');
  });

  test('a connection cut before the answer is answered wait', async () => {
    rig.server.answer('destroy');
    assert.equal(await publish(), 'wait/internal-server-error');
  });

  test('after a timeout the next publish is delivered on a fresh connection', async () => {
    rig.server.answer('hang');
    assert.equal(await publish(), 'wait/internal-server-error');
    rig.server.answer({ status: 200, body: 'null' });
    assert.equal(await publish(), 'result');
  });
});

describe('a remote service that is not there', () => {
  const bridging = forSuite(async () => startBridging({ url: `http://127.0.0.1:${await closedPort()}` }));

  test('a refused connection is answered wait', async () => {
    assert.equal(await bridging.publish(OPTIONS), 'wait/internal-server-error');
  });
});
