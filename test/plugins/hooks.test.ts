/**
 * What each hook does to a real push: prepare's fields reach APNS through the XEP-0357 summary and
 * publish-options; shouldPublish decides per device; onSessionState hears where the user now
 * stands; onPublishOutcome hears the App Server's answer, a dead device's refusal included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeraldPlugin, PluginRegistration, PublishOutcome, RecipientState } from '../../src/plugins/plugin.js';
import { TOKEN2, createNodeIq, enableIq } from '../e2e/harness.js';
import { eventually } from '../support/eventually.js';
import { ALICE, withPlugins } from './harness.js';

const BOB = 'bob@localhost/laptop';

test("prepare's title, body, badge, priority and sound reach the APNS request; pushType silent makes it a background push", async () => {
  const formatter: HeraldPlugin = {
    prepare: (summary, _registration, message) =>
      message.body === 'quiet please'
        ? { pushType: 'silent' }
        : { title: 'Bob (work)', body: `${summary['last-message-body']} [${message.type}]`, badge: 42, priority: 'normal', publishOptions: { sound: 'ping.caf' } },
  };
  await withPlugins({ plugins: [formatter] }, async ({ apns, tell, aps }) => {
    await tell(BOB, 'hello');
    const [alert] = await apns.waitForReceived(1);
    assert.deepEqual((alert!.payload as { aps: unknown }).aps, { alert: { title: 'Bob (work)', body: 'hello [chat]' }, badge: 42, sound: 'ping.caf', 'thread-id': 'Bob (work)' });
    assert.equal(alert!.headers['apns-priority'], '5');

    await tell(BOB, 'quiet please');
    assert.deepEqual(await aps(2), { 'content-available': 1 });
    assert.equal(apns.received[1]!.headers['apns-push-type'], 'background');
  });
});

test('shouldPublish decides per registration: a plugin keeps a message from one device and not the other', async () => {
  const onlyPhones: HeraldPlugin = { shouldPublish: (_message, _recipient, registration) => registration.publishOptions.topic === 'com.example.chat' };
  await withPlugins({ plugins: [onlyPhones] }, async ({ herald, apns, tell, iq }) => {
    assert.equal((await iq(createNodeIq(`${ALICE}/tablet`, 'alice-tablet'))).attrs.type, 'result');
    const tablet = await iq(enableIq(`${ALICE}/tablet`, 'alice-tablet', { service: 'apns', device_id: TOKEN2, topic: 'com.example.tablet' }));
    assert.equal(tablet.attrs.type, 'result');
    await tell(BOB, 'to the phone only');
    await apns.waitForReceived(1);
    await herald.xmppServer.whenIdle();
    assert.deepEqual(apns.received.map((r) => r.headers['apns-topic']), ['com.example.chat']);
  });
});

test('onSessionState hears each change of where the user stands, onPublishOutcome each answer (a dead device refused)', async () => {
  const states: Array<[RecipientState, RecipientState]> = [];
  const outcomes: Array<[string, PublishOutcome]> = [];
  const listener: HeraldPlugin = {
    onSessionState: (recipient, state) => void states.push([recipient.state, state]),
    onPublishOutcome: (registration: PluginRegistration, outcome) => void outcomes.push([registration.node, outcome]),
  };
  await withPlugins({ plugins: [listener] }, async ({ herald, apns, tell }) => {
    herald.sessionAvailable(`${ALICE}/phone`);
    herald.sessionAvailable(`${ALICE}/laptop`); // already online: no change
    herald.sessionHibernated(`${ALICE}/phone`);
    herald.sessionUnavailable(`${ALICE}/laptop`);
    herald.sessionUnavailable(`${ALICE}/phone`);
    assert.deepEqual(states, [
      ['offline', 'online'],
      ['online', 'hibernated'],
      ['hibernated', 'offline'],
    ]);

    await tell(BOB, 'delivered');
    await apns.waitForReceived(1);
    apns.program(apns.received[0]!.token, { status: 410, reason: 'Unregistered' });
    await tell(BOB, 'to a dead device');
    await eventually(() => outcomes.length === 2, 'both outcomes heard');
    assert.deepEqual(outcomes, [
      ['alice-phone', { ok: true }],
      ['alice-phone', { ok: false, error: { type: 'cancel', condition: 'not-acceptable' } }], // app-server/outcome-errors.ts: a dead device
    ]);
  });
});
