/**
 * A publish handled by a Herald whose App Server bridges to a remote service leaves as the HTTP
 * request MongooseIM's mod_push_service_mongoosepush sends for it: same path, same JSON, byte for
 * byte where the reference ("mongoosepush-api.md") gives the request.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bridgeRigForSuite } from './rig.js';

/** The reference's non-silent MongooseIM request, as its example writes it. */
const NON_SILENT_BODY =
  '{"service":"apns","mode":"prod","priority":"high","topic":"com.example.app",' +
  '"alert":{"body":"OH, HAI!","title":"alice@localhost","tag":"alice@localhost","badge":1,' +
  '"click_action":"myactivity","sound":"default"}}';
const NON_SILENT_OPTIONS = {
  service: 'apns',
  device_id: 'f53453455',
  mode: 'prod',
  priority: 'high',
  topic: 'com.example.app',
  click_action: 'myactivity',
  sound: 'default',
};
/**
 * The reference's silent request is `{"service":"fcm","priority":"high","data":{…}}`, from
 * publish-options without `mode`. With `mode=prod` in the publish-options MongooseIM copies it
 * too; that request is this one.
 */
const SILENT_BODY =
  '{"service":"fcm","mode":"prod","priority":"high",' +
  '"data":{"message-count":1,"last-message-sender":"alice@localhost","last-message-body":"OH, HAI!"}}';
const FCM_TOKEN = 'dGVzdA:APA91b-fcm_token';
const SILENT_OPTIONS = { service: 'fcm', device_id: FCM_TOKEN, mode: 'prod', priority: 'high', silent: 'true' };

for (const version of ['v2', 'v3'] as const) {
  describe(`api_version ${version}`, () => {
    const rig = bridgeRigForSuite({ api_version: version });

    test('the non-silent APNS example goes out byte for byte', async () => {
      const request = await rig.requestFor(NON_SILENT_OPTIONS);
      assert.equal(request.method, 'POST');
      assert.equal(request.httpVersion, '1.1');
      assert.equal(request.path, `/${version}/notification/f53453455`);
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.body, NON_SILENT_BODY);
    });

    test('the silent FCM example goes out byte for byte, message-count an integer', async () => {
      const request = await rig.requestFor(SILENT_OPTIONS);
      assert.equal(request.path, `/${version}/notification/${FCM_TOKEN}`);
      assert.equal(request.body, SILENT_BODY);
    });

    test('publish-options without mode still send mode prod, the receiver default', async () => {
      const { mode: _omitted, ...withoutMode } = SILENT_OPTIONS;
      assert.equal((await rig.requestFor(withoutMode)).body, SILENT_BODY);
    });

    test('mutable_content and time_to_live go as the strings the client set', async () => {
      const options = { ...NON_SILENT_OPTIONS, mutable_content: 'true', time_to_live: '3600' };
      assert.equal(
        (await rig.requestFor(options)).body,
        '{"service":"apns","mode":"prod","priority":"high","topic":"com.example.app","mutable_content":"true","time_to_live":"3600",' +
          '"alert":{"body":"OH, HAI!","title":"alice@localhost","tag":"alice@localhost","badge":1,' +
          '"click_action":"myactivity","sound":"default"}}',
      );
    });
  });
}

describe('api_version v1', () => {
  const rig = bridgeRigForSuite({ api_version: 'v1' });

  test('the non-silent example goes out as the flat body', async () => {
    const request = await rig.requestFor(NON_SILENT_OPTIONS);
    assert.equal(request.path, '/v1/notification/f53453455');
    assert.equal(
      request.body,
      '{"service":"apns","mode":"prod","topic":"com.example.app","body":"OH, HAI!","title":"alice@localhost",' +
        '"tag":"alice@localhost","badge":1,"click_action":"myactivity"}',
    );
  });

  test('a silent push, which v1 cannot carry, is not sent and is answered wait', async () => {
    const before = rig.server.requests.length;
    assert.equal(await rig.publish(SILENT_OPTIONS), 'wait/internal-server-error');
    assert.equal(rig.server.requests.length, before);
  });
});
