import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN, chat, cleanup, configIn, createNodeIq, enableIq, startHerald, tempDir, withHerald } from './harness.js';
import { eventually } from '../support/eventually.js';

const ALICE = 'alice@localhost/phone';
const BOB = 'bob@localhost/laptop';

test('a message to an offline user travels the whole path and ends as one APNS request', async () => {
  await withHerald({}, async ({ herald, iq, apns }) => {
    const sim = apns!;
    assert.equal((await iq(createNodeIq(ALICE, 'node-1'))).attrs.type, 'result');
    const enabled = await iq(enableIq(ALICE, 'node-1', { service: 'apns', device_id: TOKEN, topic: 'com.example.chat' }));
    assert.equal(enabled.attrs.type, 'result');
    herald.sessionAvailable(ALICE);
    herald.sessionUnavailable(ALICE);

    await herald.handleStanza(chat(BOB, 'alice@localhost', 'Wherefore art thou?'));
    const [push] = await sim.waitForReceived(1, 5_000);
    assert.ok(push);
    assert.equal(push.token, TOKEN);
    assert.equal(push.headers['apns-topic'], 'com.example.chat');
    assert.equal(push.headers['apns-push-type'], 'alert');
    assert.equal(push.headers['apns-priority'], '10');
    const aps = (push.payload as { aps: { alert: { title: string; body: string }; badge: number } }).aps;
    assert.equal(aps.alert.body, 'Wherefore art thou?');
    assert.equal(aps.alert.title, BOB);
    assert.equal(aps.badge, 1);
    await herald.xmppServer.whenIdle(); // the publish is answered once APNS answered
    assert.equal(sim.received.length, 1, 'exactly one request');

    // The device is gone: APNS answers 410 Unregistered, the registration is disabled.
    sim.program(TOKEN, { status: 410, reason: 'Unregistered' });
    await herald.handleStanza(chat(BOB, 'alice@localhost', 'are you there?'));
    await eventually(async () => (await herald.xmppServer.registrations('alice@localhost')).length === 0, 'registration removed');
    const rejectedBefore = sim.rejected.length;
    assert.equal(rejectedBefore, 1);

    await herald.handleStanza(chat(BOB, 'alice@localhost', 'hello?'));
    await herald.xmppServer.whenIdle();
    assert.equal(sim.received.length, 1, 'no further accepted request');
    assert.equal(sim.rejected.length, rejectedBefore, 'no further request at all');
  });
});

test('no push is sent while the user has an available session', async () => {
  await withHerald({}, async ({ herald, iq, apns }) => {
    await iq(createNodeIq(ALICE, 'node-2'));
    await iq(enableIq(ALICE, 'node-2', { service: 'apns', device_id: TOKEN }));
    herald.sessionAvailable(ALICE);
    await herald.handleStanza(chat(BOB, 'alice@localhost', 'hi'));
    await herald.xmppServer.whenIdle();
    assert.equal(apns!.received.length, 0);
    herald.sessionHibernated(ALICE);
    await herald.handleStanza(chat(BOB, 'alice@localhost', 'hi again'));
    const [push] = await apns!.waitForReceived(1, 5_000);
    assert.equal(push?.token, TOKEN);
  });
});

test('registrations and nodes survive a restart of Herald', async () => {
  const dir = tempDir();
  const config = configIn(dir);
  const first = await startHerald(config);
  try {
    await first.iq(createNodeIq(ALICE, 'node-3'));
    assert.equal((await first.iq(enableIq(ALICE, 'node-3', { service: 'apns', device_id: TOKEN }))).attrs.type, 'result');
  } finally {
    await first.close();
  }
  const second = await startHerald(config);
  try {
    await second.herald.handleStanza(chat(BOB, 'alice@localhost', 'after restart'));
    const [push] = await second.apns!.waitForReceived(1, 5_000);
    assert.equal(push?.token, TOKEN);
  } finally {
    await second.close();
    cleanup(dir);
  }
});
