import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN, postJson, withHerald } from './harness.js';
import type { ApnsPool } from '../../src/push-service/pools/apns-pool.js';

const ALERT = { body: 'b', title: 't' };

test('mode and tags choose the APNS pool, and each pool sends its own default topic and voip push type', async () => {
  const threePools = (dir: string) => ({
    apns: {
      key_file: join(dir, 'apns.p8'),
      pools: [
        { mode: 'prod', default_topic: 'com.example.prod', sender_threads: 0, connections: 1 },
        { name: 'voip', mode: 'prod', tags: ['voip'], default_topic: 'com.example.prod.voip', sender_threads: 0, connections: 1 },
        { mode: 'dev', default_topic: 'com.example.dev', sender_threads: 0, connections: 1 },
      ],
    },
    rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
  });
  await withHerald(threePools, async ({ herald, apns, dir }) => {
    const rest = herald.rest!;
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const sim = apns!;
    const send = (body: Record<string, unknown>) => postJson(rest.url, ca, `/v3/notification/${TOKEN}`, { service: 'apns', ...body });

    assert.deepEqual(await send({ alert: ALERT }), { status: 200, body: 'null' });
    assert.deepEqual(await send({ mode: 'dev', alert: ALERT }), { status: 200, body: 'null' });
    assert.deepEqual(await send({ tags: ['voip'], data: { call: 'x' } }), { status: 200, body: 'null' });
    const received = await sim.waitForReceived(3, 5_000);
    assert.deepEqual(
      received.map((r) => [r.headers['apns-topic'], r.headers['apns-push-type']]),
      [
        ['com.example.prod', 'alert'],
        ['com.example.dev', 'alert'],
        ['com.example.prod.voip', 'voip'],
      ],
    );
    // A topic named in the request wins over the pool's default.
    assert.deepEqual(await send({ mode: 'dev', topic: 'com.example.other', alert: ALERT }), { status: 200, body: 'null' });
    assert.equal((await sim.waitForReceived(4, 5_000))[3]!.headers['apns-topic'], 'com.example.other');

    // A VoIP push naming no topic (a call): the pool's default topic with Apple's .voip suffix.
    assert.equal((await herald.pushService.send({ service: 'apns', mode: 'dev', device_id: TOKEN, voip: true, data: { 'call-id': 'c' } })).ok, true);
    const call = (await sim.waitForReceived(5, 5_000))[4]!;
    assert.deepEqual([call.headers['apns-topic'], call.headers['apns-push-type']], ['com.example.dev.voip', 'voip']);

    // Tags no pool has: MongoosePush's no_matching_pool.
    assert.deepEqual(await send({ tags: ['voip', 'beta'], alert: ALERT }), { status: 400, body: '{"reason":"no_matching_pool"}' });
    assert.deepEqual(await send({ mode: 'dev', tags: ['voip'], alert: ALERT }), { status: 400, body: '{"reason":"no_matching_pool"}' });

    // One provider token for the three pools: they share the team, key id and key file.
    const apnsPools = herald.pushService.pools.filter((p) => p.service === 'apns') as ApnsPool[];
    assert.equal(apnsPools.length, 3);
    assert.equal(new Set(apnsPools.map((p) => p.auth.kind === 'token' && p.auth.tokens)).size, 1);
    assert.equal(apnsPools[0]!.senderStats().tokensIssued, 1);
    assert.equal(sim.stats.jwtsSeen, 1);
  });
});

test('the default pools serve APNS prod and dev and FCM in both modes', async () => {
  await withHerald((dir) => ({ rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') } }), async ({ herald, fcm, dir }) => {
    assert.deepEqual(
      herald.pushService.pools.map((p) => [p.name, p.service, p.mode]),
      [
        ['apns-prod', 'apns', 'prod'],
        ['apns-dev', 'apns', 'dev'],
        ['fcm', 'fcm', 'any'],
        ['webpush', 'webpush', 'any'],
      ],
    );
    const rest = herald.rest!;
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    for (const body of [
      { service: 'apns', mode: 'dev', alert: ALERT },
      { service: 'fcm', mode: 'dev', alert: ALERT },
      { service: 'fcm', mode: 'prod', alert: ALERT },
    ]) {
      assert.deepEqual(await postJson(rest.url, ca, `/v3/notification/${TOKEN}`, body), { status: 200, body: 'null' }, JSON.stringify(body));
    }
    assert.equal(fcm!.received.length, 2);
  });
});

test('with APNS disabled, APNS requests find no pool', async () => {
  await withHerald((dir) => ({ apns: { enabled: false }, rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') } }), async ({ herald, apns, dir }) => {
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    assert.equal(apns, undefined);
    assert.deepEqual(await postJson(herald.rest!.url, ca, `/v3/notification/${TOKEN}`, { service: 'apns', alert: ALERT }), {
      status: 400,
      body: '{"reason":"no_matching_pool"}',
    });
  });
});
