import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN, TOKEN2, postJson, withHerald } from './harness.js';


test('REST v3 requests end as APNS requests, and APNS answers come back as MongoosePush statuses', async () => {
  await withHerald((dir) => ({ rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') } }), async ({ herald, apns, dir }) => {
    const rest = herald.rest!;
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const sim = apns!;

    // MongooseIM's request, with its string-typed fields.
    const ok = await postJson(rest.url, ca, `/v3/notification/${TOKEN}`, {
      service: 'apns',
      mode: 'prod',
      priority: 'high',
      topic: 'com.example.app',
      mutable_content: 'true',
      time_to_live: '3600',
      alert: { body: 'OH, HAI!', title: 'alice@localhost', badge: 1, sound: 'default' },
    });
    assert.deepEqual(ok, { status: 200, body: 'null' });
    const [push] = await sim.waitForReceived(1, 5_000);
    assert.equal(push!.token, TOKEN);
    assert.equal(push!.headers['apns-topic'], 'com.example.app');
    assert.equal(push!.headers['apns-priority'], '10');
    const aps = (push!.payload as { aps: Record<string, unknown> }).aps;
    assert.equal(aps['mutable-content'], 1);
    assert.equal(aps.sound, 'default');

    sim.program(TOKEN2, { status: 410, reason: 'Unregistered' });
    assert.deepEqual(await postJson(rest.url, ca, `/v3/notification/${TOKEN2}`, { service: 'apns', alert: { body: 'b', title: 't' } }), {
      status: 410,
      body: '{"reason":"unregistered"}',
    });
    // v2 keeps MongoosePush's mapping: an unregistered device is a 500 with the provider's reason.
    const v2 = await postJson(rest.url, ca, `/v2/notification/${TOKEN2}`, { service: 'apns', alert: { body: 'b', title: 't' } });
    assert.equal(v2.status, 500);

    const big = await postJson(rest.url, ca, `/v3/notification/${TOKEN}`, { service: 'apns', data: { blob: 'x'.repeat(5_000) } });
    assert.deepEqual(big, { status: 413, body: '{"reason":"payload_too_large"}' });
    assert.equal(sim.received.length, 1, 'the oversize payload never reached APNS');
  });
});
