/**
 * `herald start` as an operator runs it, out of the box: the bundled FCM simulator in its process,
 * reached from outside through the simulators' control API (whose URL its log gives), as a
 * developer or another process would, since nothing in-process is at hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/eventually.js';
import { startHeraldProcess, type HeraldChild } from '../support/herald-process.js';
import { tomlString } from '../support/herald-toml.js';
import { call } from '../simulators/control-client.js';
import { cleanup, postJson, tempDir } from './harness.js';

/** herald.toml with only FCM (and its simulator) on, REST on port 0, one shard: a light `herald start`. */
function writeConfig(dir: string): string {
  const path = join(dir, 'herald.toml');
  writeFileSync(
    path,
    `[store]
path = ${tomlString(join(dir, 'lmdb'))}
[rest]
port = 0
generated_cert_dir = ${tomlString(join(dir, 'tls'))}
[shards]
count = 1
[apns]
enabled = false
[simulators.apns]
enabled = false
`,
  );
  return path;
}

/** The control API's URL, from `herald start`'s log. */
async function controlUrl(herald: HeraldChild): Promise<string> {
  const started = () => herald.log.find((line) => line.event === 'simulator_control.started');
  await eventually(() => started() !== undefined, 'the simulator_control.started log line');
  return started()!.url as string;
}

test('out of the box, FCM requests on the REST API reach the bundled FCM simulator (read back through its control API)', async () => {
  const dir = tempDir();
  try {
    const herald = await startHeraldProcess(writeConfig(dir));
    try {
      const control = await controlUrl(herald);
      const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');

      // MongooseIM's silent request: the summary in data, message-count as an integer.
      const silent = await postJson(herald.url, ca, '/v3/notification/fcm-device-1', {
        service: 'fcm',
        priority: 'high',
        data: { 'message-count': 1, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' },
      });
      assert.deepEqual(silent, { status: 200, body: 'null' });
      const listed = await call(control, 'GET', '/deliveries?service=fcm&device=fcm-device-1');
      assert.equal(listed.json!.deliveries.length, 1);
      const got = (await call(control, 'GET', `/deliveries/${listed.json!.deliveries[0].id}`)).json!;
      assert.equal(got.outcome, 'accepted');
      const message = got.payload as { token: string; data: Record<string, string>; android: { priority: string } };
      assert.equal(message.token, 'fcm-device-1');
      assert.equal(message.data['message-count'], '1', 'FCM data values travel as strings');
      assert.equal(message.android.priority, 'high');

      const programmed = await call(control, 'PUT', '/devices/fcm/fcm-gone', JSON.stringify({ answer: 'unregistered' }));
      assert.equal(programmed.status, 204);
      assert.deepEqual(await postJson(herald.url, ca, '/v3/notification/fcm-gone', { service: 'fcm', alert: { title: 't', body: 'b' } }), {
        status: 410,
        body: '{"reason":"unregistered"}',
      });
    } finally {
      await herald.stop();
    }
  } finally {
    cleanup(dir);
  }
});
