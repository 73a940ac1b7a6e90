/**
 * The control API's OpenAPI document against the API itself: every kind of real answer, each
 * validated against the document as the server serves it (the status documented for the path
 * and method, the body satisfying its JSON Schema), and the document's request schemas held to
 * the checks the server runs (device-programs.ts, fault-settings.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { DEVICE_PROGRAM_KEYS } from '../../src/simulators/control/device-programs.js';
import { startControlServer, type ControlServer } from '../../src/simulators/control/server.js';
import { startFcmSimulator, type FcmSimulator } from '../../src/simulators/fcm/index.js';
import { FAULT_KEYS } from '../../src/simulators/shared/fault-settings.js';
import { startWebPushSimulator, type WebPushSimulator } from '../../src/simulators/webpush/index.js';
import { DocumentValidator, errorsOf } from '../rest/openapi-validator.js';
import * as apnsClient from './apns-test-client.js';
import { call, CONTROL_OPTIONS, type ControlAnswer } from './control-client.js';
import * as fcmClient from './fcm/fcm-test-client.js';
import * as webPushClient from './webpush-test-client.js';

const TOKEN = 'control-contract';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('control API answers match its OpenAPI document', () => {
  const key = apnsClient.makeProviderKey();
  const jwt = apnsClient.signJwt(key, Math.floor(Date.now() / 1000));
  let apns: ApnsSimulator;
  let fcm: FcmSimulator;
  let webpush: WebPushSimulator;
  let control: ControlServer;
  let served: DocumentValidator;
  const ask = (method: string, path: string, body?: string, headers = AUTH) => call(control.url, method, path, body, headers);

  before(async () => {
    apns = await startApnsSimulator({ teamId: apnsClient.TEAM, keys: { [apnsClient.KEY_ID]: key.publicKeyPem } });
    fcm = await startFcmSimulator();
    webpush = await startWebPushSimulator();
    control = await startControlServer({ apns, fcm, webpush }, { ...CONTROL_OPTIONS, maxBodyBytes: 1_024, authToken: TOKEN });
    const document = await ask('GET', '/openapi.json');
    assert.equal(document.status, 200);
    served = new DocumentValidator(document.json!);
  });
  after(async () => {
    await control.close();
    await apns.close();
    await fcm.close();
    await webpush.close();
  });

  /** Asserts `answer` to `method template` is documented, its body (if any) as the document says. */
  function assertDocumented(template: string, method: string, answer: ControlAnswer): void {
    const responses = served.document.paths[template]?.[method.toLowerCase()]?.responses as Record<string, unknown> | undefined;
    assert.ok(responses?.[String(answer.status)], `${method} ${template} documents ${answer.status}`);
    const validate = served.answer(template, method.toLowerCase(), answer.status);
    if (answer.json === undefined) return assert.equal(validate, undefined, `${method} ${template} ${answer.status} has a body`);
    assert.ok(validate, `${method} ${template} ${answer.status} documents a JSON body`);
    assert.ok(validate(answer.json), `${method} ${template} ${answer.status}: ${JSON.stringify(answer.json)}: ${errorsOf(validate)}`);
  }

  test('deliveries of every outcome, every service, listed and whole', async () => {
    const apnsSession = await apnsClient.connectTo(apns);
    const fcmSession = await fcmClient.connectTo(fcm);
    const webPushSession = await webPushClient.connectTo(webpush);
    try {
      const refused = apnsClient.deviceToken();
      assertDocumented('/devices/{service}/{token}', 'PUT', await ask('PUT', `/devices/apns/${refused}`, JSON.stringify({ answer: 'unregistered', retryAfterS: 1 })));
      const dropped = apnsClient.deviceToken();
      await ask('PUT', `/devices/apns/${dropped}`, JSON.stringify({ drop: true }));
      await apnsClient.send(apnsSession, { jwt, token: apnsClient.deviceToken() });
      await apnsClient.send(apnsSession, { jwt, token: refused });
      await assert.rejects(apnsClient.send(apnsSession, { jwt, token: dropped }));
      const accessToken = await fcmClient.accessToken(fcmSession, fcm);
      await fcmClient.send(fcmSession, fcm, accessToken, { message: { token: fcmClient.DEVICE, data: { a: 'b' } } });
      await fcmClient.send(fcmSession, fcm, accessToken, { message: { topic: 'news', data: { a: 1 } } });
      const subscription = webpush.createSubscription();
      await webPushClient.push(webPushSession, subscription, { payload: JSON.stringify({ title: 'T', body: 'B' }), options: { ttl: 60, urgency: 'low', topic: 't1' } });
      const gone = webpush.createSubscription();
      await ask('PUT', `/devices/webpush/${gone.endpoint.slice(gone.endpoint.lastIndexOf('/') + 1)}`, JSON.stringify({ answer: 'unregistered' }));
      await webPushClient.push(webPushSession, gone);

      const list = await ask('GET', '/deliveries?limit=3');
      assertDocumented('/deliveries', 'GET', list);
      assert.ok(list.json!.next !== undefined);
      const all = await ask('GET', '/deliveries');
      assertDocumented('/deliveries', 'GET', all);
      assert.deepEqual(new Set(all.json!.deliveries.map((d: { outcome: string }) => d.outcome)), new Set(['accepted', 'rejected', 'faulted']));
      assert.deepEqual(new Set(all.json!.deliveries.map((d: { service: string }) => d.service)), new Set(['apns', 'fcm', 'webpush']));
      for (const { id, service } of all.json!.deliveries) {
        const whole = await ask('GET', `/deliveries/${id}`);
        assertDocumented('/deliveries/{id}', 'GET', whole);
        assert.equal(whole.json!.service, service, `delivery ${id} is found by its id alone, whichever simulator kept it`);
      }
      assertDocumented('/deliveries/{id}', 'GET', await ask('GET', '/deliveries/999999'));
      assertDocumented('/deliveries', 'DELETE', await ask('DELETE', '/deliveries'));
    } finally {
      apnsSession.destroy();
      fcmSession.destroy();
      webPushSession.destroy();
    }
  });

  test('programs, faults and the document itself', async () => {
    assertDocumented('/devices/{service}/{token}', 'DELETE', await ask('DELETE', '/devices/fcm/x'));
    assertDocumented('/devices/{service}', 'DELETE', await ask('DELETE', '/devices/apns'));
    assertDocumented('/devices/{service}', 'DELETE', await ask('DELETE', '/devices/push'));
    assertDocumented('/faults/{service}', 'PUT', await ask('PUT', '/faults/fcm', JSON.stringify({ latencyMs: 1, serverErrors: { count: 2, status: 500 } })));
    assertDocumented('/faults/{service}', 'GET', await ask('GET', '/faults/fcm'));
    assertDocumented('/faults/{service}', 'DELETE', await ask('DELETE', '/faults/fcm'));
    assertDocumented('/openapi.json', 'GET', await ask('GET', '/openapi.json'));
  });

  test('every kind of refusal: 400, 401, 404, 405, 413, 422', async () => {
    assertDocumented('/deliveries', 'GET', await ask('GET', '/deliveries?limit=0'));
    assertDocumented('/devices/{service}/{token}', 'PUT', await ask('PUT', '/devices/apns/x', '{"answer":'));
    assertDocumented('/deliveries', 'GET', await ask('GET', '/deliveries', undefined, { authorization: 'Bearer nope' }));
    assertDocumented('/events', 'GET', await ask('GET', '/events', undefined, { authorization: 'Bearer nope' }));
    assertDocumented('/devices/{service}/{token}', 'PUT', await ask('PUT', '/devices/apns/x', JSON.stringify({ answer: 'x'.repeat(2_000) })));
    assertDocumented('/devices/{service}/{token}', 'PUT', await ask('PUT', '/devices/apns/x', JSON.stringify({ answer: 'explode' })));
    assertDocumented('/faults/{service}', 'PUT', await ask('PUT', '/faults/apns', JSON.stringify({ refuseStreams: -1 })));
    // 405: the path exists, the method does not, so the answer is the shared response.
    const wrongMethod = await ask('POST', '/deliveries');
    assert.equal(wrongMethod.status, 405);
    const validate = served.at(['components', 'responses', 'MethodNotAllowed', 'content', 'application/json', 'schema']);
    assert.ok(validate(wrongMethod.json), errorsOf(validate));
  });

  test("the document's request schemas name exactly the fields the server accepts", () => {
    const schemas = served.document.components.schemas;
    assert.deepEqual(Object.keys(schemas.DeviceProgram.properties).sort(), [...DEVICE_PROGRAM_KEYS].sort());
    assert.deepEqual(Object.keys(schemas.FaultSettings.properties).sort(), [...FAULT_KEYS].sort());
  });
});
