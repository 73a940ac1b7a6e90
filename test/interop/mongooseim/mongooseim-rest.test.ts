/**
 * MongooseIM is not packaged in Debian, so no MongooseIM process runs here. What it sends is
 * fixed by its mod_push_service_mongoosepush: this suite reads the MongooseIM config the README
 * shows (mongooseim.toml), points the same requests at a Herald through exactly that pool (host
 * with Herald's port, path_prefix, api_version, request_timeout) and checks MongooseIM's reading
 * of the answers: 2xx ok, 410 disables the registration, anything else is logged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { MONGOOSEIM_CONFIG } from './config-file.js';
import { cleanup, configIn, startHerald, tempDir, TOKEN, TOKEN2 } from '../../e2e/harness.js';


interface MongooseImConfig {
  outgoing_pools: { http: Record<string, { connection: { host: string; path_prefix: string; request_timeout: number } }> };
  modules: { mod_push_service_mongoosepush: { pool_name: string; api_version: string } };
}

/** MongooseIM's HTTP client: HTTP/1.1 POST of JSON, giving up after the pool's request_timeout. */
async function post(url: string, ca: string, body: unknown, timeoutMs: number): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' }, timeout: timeoutMs }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('MongooseIM would give up here')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test("MongooseIM's requests through the README's pool config reach APNS and FCM, and a dead device answers 410", async () => {
  const mim = parse(readFileSync(MONGOOSEIM_CONFIG, 'utf8')) as unknown as MongooseImConfig;
  const module = mim.modules.mod_push_service_mongoosepush;
  const pool = mim.outgoing_pools.http[module.pool_name]!.connection;
  const dir = tempDir();
  const { herald, apns, fcm, close } = await startHerald(configIn(dir, { rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') } }));
  try {
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    // The pool's host, with the port this test's Herald got.
    const host = new URL(pool.host);
    host.port = new URL(herald.rest!.url).port;
    const base = `${host.origin}${pool.path_prefix.replace(/\/$/, '')}/${module.api_version}/notification/`;
    const send = (token: string, body: unknown) => post(base + token, ca, body, pool.request_timeout);

    // mod_push_service_mongoosepush's requests for a normal and a silent publish.
    const alert = {
      service: 'apns', mode: 'prod', priority: 'high', topic: 'com.example.app', mutable_content: 'true', time_to_live: '3600',
      alert: { body: 'OH, HAI!', title: 'alice@localhost', tag: 'alice@localhost', badge: 1, click_action: 'myactivity', sound: 'default' },
    };
    const silent = { service: 'fcm', priority: 'high', data: { 'message-count': 1, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' } };
    assert.deepEqual(await send(TOKEN, alert), { status: 200, body: 'null' });
    assert.deepEqual(await send('fcm-device-token', silent), { status: 200, body: 'null' });
    const [push] = await apns!.waitForReceived(1, 5_000);
    assert.equal(push!.headers['apns-topic'], 'com.example.app');
    const [message] = await fcm!.waitForReceived(1, 5_000);
    assert.equal(message!.token, 'fcm-device-token');

    // 410 is what makes MongooseIM disable the user's registration.
    apns!.program(TOKEN2, { status: 410, reason: 'Unregistered' });
    assert.deepEqual(await send(TOKEN2, alert), { status: 410, body: '{"reason":"unregistered"}' });
  } finally {
    await close();
    cleanup(dir);
  }
});
