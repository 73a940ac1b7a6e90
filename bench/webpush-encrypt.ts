/**
 * Web Push encryption and VAPID: Herald's node:crypto code against the npm libraries `http_ece`
 * (aes128gcm, what `web-push` encrypts with) and `web-push` (VAPID), on a 3 KB payload.
 *
 *   npx tsc -p . && node dist/bench/webpush-encrypt.js [--compare DIR] [--quick]
 *
 * `--compare DIR`: a node_modules folder holding http_ece and web-push (not dependencies of
 * Herald: `npm install --prefix /tmp/wpcmp web-push http_ece` gives /tmp/wpcmp/node_modules).
 * Without it only Herald's cases run. `--quick`: a smoke run (test/bench), its figures meaningless. Every encryption is checked first: decrypted with the
 * subscription's private key, it must give the payload back. After the tinybench table, CPU per
 * operation: process.cpuUsage over a fixed loop (user + system, both cores' worth).
 */
import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MicroCase } from './micro/case.js';
import { machineLine, table } from './micro/report.js';
import { timeCases } from './micro/timing.js';
import { decrypt } from '../src/crypto/rfc8291/decrypt.js';
import { encrypt } from '../src/push-service/webpush/encrypt.js';
import type { PushSubscription } from '../src/push-service/webpush/subscription.js';
import { vapidAuthorization } from '../src/push-service/webpush/vapid.js';
import { generateVapidKeys, vapidKeyPair } from '../src/push-service/webpush/vapid-keys.js';
import { verifyVapid } from '../src/push-service/webpush/vapid-verify.js';

/** The size the brief asks for: a typical rich notification, under the 3993-byte ceiling. */
const PAYLOAD_BYTES = 3 * 1_024;
const TIMING = { timeMs: 1_000, warmupMs: 250 };
/** Calls in the CPU loop: a few hundred ms of work per case. */
const CPU_LOOP = 2_000;
/** `--quick`: enough to show every case runs, nothing worth quoting. */
const QUICK = { timing: { timeMs: 30, warmupMs: 10 }, cpuLoop: 20 };
const ORIGIN = 'https://push.example.net';
const SUBJECT = 'mailto:ops@example.net';

const { values } = parseArgs({ options: { compare: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const timing = values.quick ? QUICK.timing : TIMING;
const cpuLoop = values.quick ? QUICK.cpuLoop : CPU_LOOP;
const ua = createECDH('prime256v1');
ua.generateKeys();
const auth = randomBytes(16);
const subscription: PushSubscription = {
  endpoint: `${ORIGIN}/push/1`,
  keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
};
const payload = randomBytes(PAYLOAD_BYTES);
const vapid = generateVapidKeys();
const pair = vapidKeyPair(vapid);

function checkBody(body: Buffer): void {
  const opened = decrypt(body, ua.getPrivateKey(), auth);
  assert.ok(opened.ok, 'decrypts');
  assert.deepEqual(opened.plaintext, payload);
}
function checkVapid(header: string): void {
  const verdict = verifyVapid(header.replace(/^WebPush /, 'vapid '), ORIGIN, Math.floor(Date.now() / 1_000));
  assert.ok(verdict.ok, JSON.stringify(verdict));
}

const expiry = (): number => Math.floor(Date.now() / 1_000) + 12 * 3_600;
const cases: MicroCase[] = [
  { name: 'encrypt 3 KB — node:crypto (Herald)', async: false, run: () => encrypt(payload, subscription), check: () => checkBody(encrypt(payload, subscription)) },
  { name: 'VAPID sign — node:crypto (Herald)', async: false, run: () => vapidAuthorization(ORIGIN, SUBJECT, pair, expiry()), check: () => checkVapid(vapidAuthorization(ORIGIN, SUBJECT, pair, expiry())) },
];

if (values.compare !== undefined) {
  const load = createRequire(join(values.compare, 'noop.js'));
  const ece = load('http_ece') as { encrypt(buffer: Buffer, params: Record<string, unknown>): Buffer };
  const webPush = load('web-push') as { getVapidHeaders(aud: string, sub: string, pub: string, priv: string, enc: string, exp: number): { Authorization: string } };
  const viaEce = (): Buffer => {
    const sender = createECDH('prime256v1');
    sender.generateKeys();
    const params = { version: 'aes128gcm', privateKey: sender, dh: subscription.keys.p256dh, authSecret: subscription.keys.auth, salt: randomBytes(16) };
    return ece.encrypt(payload, params);
  };
  const viaWebPush = (): string => webPush.getVapidHeaders(ORIGIN, SUBJECT, vapid.publicKey, vapid.privateKey, 'aes128gcm', expiry()).Authorization;
  cases.push(
    { name: 'encrypt 3 KB — http_ece', async: false, run: viaEce, check: () => checkBody(viaEce()) },
    { name: 'VAPID sign — web-push', async: false, run: viaWebPush, check: () => checkVapid(viaWebPush()) },
  );
}

for (const c of cases) await c.check();
const rows = await timeCases(cases, timing);
console.log(`# Web Push encryption and VAPID\n\n- machine: ${machineLine()}\n- date: ${new Date().toISOString()}`);
const flags = `${values.compare ? ` --compare ${values.compare}` : ''}${values.quick ? ' --quick' : ''}`;
console.log(`- command: \`node dist/bench/webpush-encrypt.js${flags}\`; payload ${PAYLOAD_BYTES} bytes; each case checked first\n`);
console.log(table(rows));
console.log('\n| task | CPU µs/op | CPU % of wall |\n|---|---:|---:|');
for (const c of cases) {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < cpuLoop; i++) c.run();
  const used = process.cpuUsage(cpu);
  const wallUs = Number(process.hrtime.bigint() - wall) / 1_000;
  const cpuUs = used.user + used.system;
  console.log(`| ${c.name} | ${(cpuUs / cpuLoop).toFixed(1)} | ${((100 * cpuUs) / wallUs).toFixed(0)} |`);
}
