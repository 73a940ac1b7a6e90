import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { postJson, withHerald } from './harness.js';


test('out of the box, FCM requests on the REST API reach the bundled FCM simulator', async () => {
  await withHerald((dir) => ({ rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') } }), async ({ herald, fcm, dir }) => {
    const rest = herald.rest!;
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const sim = fcm!;

    // MongooseIM's silent request: the summary in data, message-count as an integer.
    const silent = await postJson(rest.url, ca, '/v3/notification/fcm-device-1', {
      service: 'fcm',
      priority: 'high',
      data: { 'message-count': 1, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' },
    });
    assert.deepEqual(silent, { status: 200, body: 'null' });
    const [got] = await sim.waitForReceived(1, 5_000);
    assert.equal(got!.token, 'fcm-device-1');
    const message = got!.message as { data: Record<string, string>; android: { priority: string } };
    assert.equal(message.data['message-count'], '1', 'FCM data values travel as strings');
    assert.equal(message.android.priority, 'high');

    sim.program('fcm-gone', 'UNREGISTERED');
    assert.deepEqual(await postJson(rest.url, ca, '/v3/notification/fcm-gone', { service: 'fcm', alert: { title: 't', body: 'b' } }), {
      status: 410,
      body: '{"reason":"unregistered"}',
    });
  });
});
