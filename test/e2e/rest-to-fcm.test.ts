import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, configIn, startHerald, tempDir } from './harness.js';

function post(url: string, ca: string, path: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca });
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json' });
    let data = '';
    let status = 0;
    req.setEncoding('utf8');
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      session.close();
      resolve({ status, body: data });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test('out of the box, FCM requests on the REST API reach the bundled FCM simulator', async () => {
  const dir = tempDir();
  const { herald } = await startHerald(configIn(dir, { rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') } }));
  try {
    const rest = herald.rest!;
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const sim = herald.fcm.simulator!;

    // MongooseIM's silent request: the summary in data, message-count as an integer.
    const silent = await post(rest.url, ca, '/v3/notification/fcm-device-1', {
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
    assert.deepEqual(await post(rest.url, ca, '/v3/notification/fcm-gone', { service: 'fcm', alert: { title: 't', body: 'b' } }), {
      status: 410,
      body: '{"reason":"unregistered"}',
    });
  } finally {
    await herald.close();
    cleanup(dir);
  }
});
