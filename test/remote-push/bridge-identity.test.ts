/**
 * The remote bridge and the in-process path produce the same APNS request for the same publish.
 *
 * Herald B serves the REST API (self-signed TLS) and pushes to its APNS simulator; Herald A has
 * no pools of its own and bridges its App Server to B's REST URL, trusting B's certificate. The
 * same publish IQ — same node, publish-options and summary — is handled once by B's App Server
 * in-process and once by A's App Server through B's REST API; B's simulator must see the same
 * request: every header but apns-id, authorization and apns-expiration (a per-request id, a
 * token, and now + ttl), and the same payload, byte for byte as JSON.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { validateConfig } from '../../src/core/config/load.js';
import type { ReceivedNotification } from '../../src/simulators/apns/index.js';
import { CALL_SUMMARY_FIELD } from '../../src/xmpp/push-publish.js';
import { createNodeIq, MONGOOSEIM_SUMMARY, outcomeOf, publishIq, removeDir, startHerald, tempDir, type RunningHerald } from './harness.js';
import { NODE, startBridging, type Bridging } from './rig.js';

const TOKEN = 'ab'.repeat(32);
const TOPIC = 'com.example.herald';

/** Publishes covering every field the App Server maps (MongooseIM's publish-options and summaries). */
const CASES: Array<{ name: string; options: Record<string, string>; summary: Record<string, string> }> = [
  {
    name: 'a MongooseIM alert with every option',
    options: { service: 'apns', device_id: TOKEN, mode: 'prod', priority: 'high', topic: TOPIC, click_action: 'myactivity', sound: 'default', mutable_content: 'true', time_to_live: '3600' },
    summary: MONGOOSEIM_SUMMARY,
  },
  {
    name: 'an alert at normal priority without a topic',
    options: { service: 'apns', device_id: TOKEN, priority: 'normal' },
    summary: { 'message-count': '7', 'last-message-sender': 'romeo@montague.example/garden', 'last-message-body': 'Did my heart love till now? «ünïcödé» 🌹' },
  },
  {
    name: 'an alert whose summary names no sender (default title, no tag)',
    options: { service: 'apns', device_id: TOKEN },
    summary: { 'last-message-body': 'Hi' },
  },
  {
    name: 'a silent push (silent=true): the summary as data',
    options: { service: 'apns', device_id: TOKEN, silent: 'true', priority: 'high', topic: TOPIC, mutable_content: 'false' },
    summary: { ...MONGOOSEIM_SUMMARY, 'pending-subscription-count': '2' },
  },
  {
    name: 'a summary without a body: a background push',
    options: { service: 'apns', device_id: TOKEN, time_to_live: '0' },
    summary: { 'message-count': '3' },
  },
  {
    name: 'a call (Jingle Message Initiation): a VoIP push to the .voip topic',
    options: { service: 'apns', device_id: TOKEN, topic: TOPIC, mutable_content: 'true' },
    summary: { ...MONGOOSEIM_SUMMARY, [CALL_SUMMARY_FIELD]: 'call-42' },
  },
];

let dirB: string;
let b: RunningHerald;
let a: Bridging;

before(async () => {
  dirB = tempDir();
  b = await startHerald(
    validateConfig({
      store: { path: join(dirB, 'lmdb'), max_size_mib: 64 },
      apns: { key_file: join(dirB, 'apns.p8'), default_topic: TOPIC, sender_threads: 0 },
      fcm: { enabled: false },
      rest: { enabled: true, port: 0, generated_cert_dir: join(dirB, 'tls') },
      simulators: { apns: { port: 0 } },
    }),
  );
  assert.equal(outcomeOf(await b.iq(createNodeIq(NODE))), 'result');
  // B generated its self-signed REST certificate in rest.generated_cert_dir.
  a = await startBridging({ url: b.herald.rest!.url, ca_file: join(dirB, 'tls', 'cert.pem') });
});

after(async () => {
  await a?.close();
  await b?.close();
  removeDir(dirB);
});

/** What must be equal: the request without apns-id, authorization and apns-expiration. */
function comparable(r: ReceivedNotification): Record<string, unknown> {
  const { 'apns-id': _id, 'apns-expiration': _expiration, ...headers } = r.headers;
  return { token: r.token, topic: r.topic, headers, payload: JSON.stringify(r.payload) };
}

for (const c of CASES) {
  test(`the remote bridge and the in-process path produce the same APNS request: ${c.name}`, async () => {
    const simulator = b.apns!;
    simulator.reset();
    assert.equal(outcomeOf(await b.iq(publishIq(NODE, c.options, c.summary))), 'result', 'in-process publish');
    assert.equal(await a.publish(c.options, c.summary), 'result', 'bridged publish');
    const [inProcess, bridged] = await simulator.waitForReceived(2);
    assert.deepEqual(comparable(bridged!), comparable(inProcess!));
    // apns-expiration is now + lifetime, so only a lifetime of 0 ("deliver once") compares exactly.
    if (c.options.time_to_live === '0') {
      assert.deepEqual([bridged!.headers['apns-expiration'], inProcess!.headers['apns-expiration']], ['0', '0']);
    }
  });
}

test('a dead device reported by the remote Herald is a dead device for the bridging App Server', async () => {
  const simulator = b.apns!;
  const dead = 'cd'.repeat(32);
  simulator.program(dead, { status: 410, reason: 'Unregistered' });
  const options = { service: 'apns', device_id: dead };
  assert.equal(outcomeOf(await b.iq(publishIq(NODE, options, MONGOOSEIM_SUMMARY))), 'cancel/not-acceptable+device-not-registered');
  assert.equal(await a.publish(options), 'cancel/not-acceptable+device-not-registered');
});
