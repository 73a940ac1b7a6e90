/**
 * Operator mistakes in the credential files a config names, each run through the real
 * `herald start` (or `check-config`): the command ends at once with exit 1 and one message
 * naming the key, the file and the cause, no stack trace, and nothing listening.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertRefused, runHerald } from './cli-harness.js';
import { merge, NO_SIMULATORS, writeConfig } from './config-files.js';
import { mistakeFolders } from './mistake-folders.js';

const c = mistakeFolders('herald-credentials-');

/** `herald start` on the base config with `over` merged in. */
async function start(over: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, command = 'start') {
  const dir = c.caseDir();
  return runHerald([command, '--config', writeConfig(dir, c.p8, over)], { env });
}

const rest = (keys: Record<string, unknown>) => ({ rest: keys });

describe('the REST TLS pair', { concurrency: 3 }, () => {
  test('a missing rest.cert_file is named with its path, before the simulators start', async () => {
    const missing = join(c.dir, 'missing.crt');
    assertRefused(await start(rest({ cert_file: missing, key_file: c.certKey })), { key: 'rest.cert_file', mentions: [missing, 'no such file', 'HERALD_CONFIG_FILE'] });
  });

  test('a certificate where rest.key_file belongs is named as a certificate', async () => {
    assertRefused(await start(rest({ cert_file: c.cert, key_file: c.cert })), { key: 'rest.key_file', mentions: ['holds a certificate, not a private key'] });
  });

  test('a private key where rest.cert_file belongs is named as a private key', async () => {
    assertRefused(await start(rest({ cert_file: c.certKey, key_file: c.certKey })), { key: 'rest.cert_file', mentions: ['holds a private key, not a certificate'] });
  });

  test('a directory named as rest.cert_file is refused as a directory', async () => {
    assertRefused(await start(rest({ cert_file: c.aDirectory, key_file: c.certKey })), { key: 'rest.cert_file', mentions: ['is a directory, not a file'] });
  });

  test('an empty rest.cert_file is refused as empty', async () => {
    assertRefused(await start(rest({ cert_file: c.emptyFile, key_file: c.certKey })), { key: 'rest.cert_file', mentions: [c.emptyFile, 'is empty'] });
  });

  test('a PEM with garbage inside as rest.key_file is refused as damaged', async () => {
    assertRefused(await start(rest({ cert_file: c.cert, key_file: c.garbageKey })), { key: 'rest.key_file', mentions: ['damaged'] });
  });

  test("a rest.key_file that is not the certificate's key is refused", async () => {
    assertRefused(await start(rest({ cert_file: c.cert, key_file: c.otherKey })), { key: 'rest.key_file', mentions: ['is not the private key of the certificate'] });
  });

  test('an expired REST certificate is refused with its expiry date', async () => {
    assertRefused(await start(rest({ cert_file: c.expiredCert, key_file: c.expiredKey })), { key: 'rest.cert_file', mentions: [/expired on \d{4}-\d\d-\d\d/] });
  });

  test('rest.cert_file without rest.key_file names the missing key', async () => {
    assertRefused(await start(rest({ cert_file: c.cert })), { key: 'rest.key_file', mentions: ['must be set with rest.cert_file'] });
  });

  test('an encrypted rest.key_file is refused as encrypted', async () => {
    assertRefused(await start(rest({ cert_file: c.cert, key_file: c.encryptedKey })), { key: 'rest.key_file', mentions: ['encrypted'] });
  });

  test('a FIFO named as a key file is refused instead of blocking the start', async () => {
    assertRefused(await start(rest({ cert_file: c.cert, key_file: c.fifo })), { key: 'rest.key_file', mentions: ['not a regular file'] });
  });

  test('rest.generated_cert_dir under a file is refused before anything starts', async () => {
    assertRefused(await start(rest({ generated_cert_dir: join(c.aFile, 'tls') })), { key: 'rest.generated_cert_dir', mentions: [`${c.aFile} is a file`] });
  });
});

describe('APNS keys and certificates', { concurrency: 3 }, () => {
  test('a missing apns.key_file is named as missing, not as an unreadable config file', async () => {
    const missing = join(c.dir, 'AuthKey_MISSING.p8');
    assertRefused(await start(merge(NO_SIMULATORS, { apns: { key_file: missing } })), {
      key: 'apns.key_file',
      mentions: [missing, 'no such file'],
      not: ['HERALD_CONFIG_UNREADABLE', 'cannot be read or parsed'],
    });
  });

  test('an RSA key as apns.key_file is named as RSA, with the P-256 requirement', async () => {
    assertRefused(await start(merge(NO_SIMULATORS, { apns: { key_file: c.rsaKey } })), { key: 'apns.key_file', mentions: [c.rsaKey, 'RSA', 'EC P-256'] });
  });

  test('a P-384 key as apns.key_file is named with its curve', async () => {
    assertRefused(await start(merge(NO_SIMULATORS, { apns: { key_file: c.p384Key } })), { key: 'apns.key_file', mentions: ['secp384r1'] });
  });

  test('a certificate as apns.key_file is refused even with the simulator, which only generates missing keys', async () => {
    assertRefused(await start({ apns: { key_file: c.cert } }), { key: 'apns.key_file', mentions: ['holds a certificate'] });
  });

  test('an empty .p8 is refused as empty', async () => {
    assertRefused(await start({ apns: { key_file: c.emptyFile } }), { key: 'apns.key_file', mentions: ['is empty'] });
  });

  test("a pool's own key_file is named by its pool index", async () => {
    const over = merge(NO_SIMULATORS, { apns: { pools: [{ mode: 'prod' }, { mode: 'dev', key_file: c.rsaKey }] } });
    assertRefused(await start(over), { key: 'apns.pools.1.key_file', mentions: [c.rsaKey] });
  });

  test("a certificate pool's key that is not its certificate's is named by pool and key", async () => {
    const over = merge(NO_SIMULATORS, { apns: { pools: [{ mode: 'prod', auth: 'certificate', cert_file: c.cert, cert_key_file: c.otherKey }] } });
    assertRefused(await start(over), { key: 'apns.pools.0.cert_key_file', mentions: ['is not the private key of the certificate'] });
  });

  test('a missing apns.ca_file is named', async () => {
    const missing = join(c.dir, 'apple-ca.pem');
    assertRefused(await start(merge(NO_SIMULATORS, { apns: { ca_file: missing } })), { key: 'apns.ca_file', mentions: [missing] });
  });

  test('HERALD_APNS_KEY_FILE pointing at a missing file names the variable', async () => {
    const missing = join(c.dir, 'from-env.p8');
    assertRefused(await start(NO_SIMULATORS, { HERALD_APNS_KEY_FILE: missing }), { key: 'apns.key_file', mentions: [missing, 'HERALD_APNS_KEY_FILE'] });
  });
});

describe('FCM service accounts and other CA files', { concurrency: 3 }, () => {
  const fcm = (keys: Record<string, unknown>) => merge(NO_SIMULATORS, { apns: { enabled: false }, fcm: { enabled: true, ...keys } });

  test('a service-account file that is not JSON is refused as such', async () => {
    assertRefused(await start(fcm({ service_account_file: c.serviceAccountNotJson })), { key: 'fcm.service_account_file', mentions: ['is not JSON'] });
  });

  test("google-services.json (the app's config) given as the service account is recognised", async () => {
    assertRefused(await start(fcm({ service_account_file: c.googleServicesJson })), { key: 'fcm.service_account_file', mentions: ['google-services.json', 'private_key'] });
  });

  test('a service account whose key is not RSA is refused (RS256 needs RSA)', async () => {
    assertRefused(await start(fcm({ service_account_file: c.serviceAccountEcKey })), { key: 'fcm.service_account_file', mentions: ['RSA'] });
  });

  test('PUSH_FCM_APP_FILE naming a missing file is named by the variable', async () => {
    const missing = join(c.dir, 'fcm-from-env.json');
    assertRefused(await start(fcm({}), { PUSH_FCM_APP_FILE: missing }), { key: 'fcm.service_account_file', mentions: [missing, 'PUSH_FCM_APP_FILE'] });
  });

  test('a remote_push.ca_file with garbage is refused', async () => {
    const over = { remote_push: { enabled: true, url: 'https://127.0.0.1:9/', ca_file: c.garbageKey } };
    assertRefused(await start(over), { key: 'remote_push.ca_file', mentions: ['not a certificate'] });
  });

  test('check-config reports every missing credential at once and exits 1', async () => {
    const over = merge(NO_SIMULATORS, {
      rest: { cert_file: join(c.dir, 'no.crt'), key_file: join(c.dir, 'no.key') },
      apns: { key_file: join(c.dir, 'no.p8') },
      fcm: { enabled: true, service_account_file: join(c.dir, 'no.json') },
    });
    const result = await start(over, {}, 'check-config');
    for (const key of ['rest.cert_file', 'rest.key_file', 'apns.key_file', 'fcm.service_account_file']) assertRefused(result, { key });
    assert.doesNotMatch(result.stdout, /valid/);
  });

  test('check-config still says valid for a config whose files are all usable', async () => {
    const over = merge(NO_SIMULATORS, { rest: { cert_file: c.cert, key_file: c.certKey }, fcm: { enabled: true, service_account_file: c.serviceAccount } });
    const result = await start(over, {}, 'check-config');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /herald\.toml: valid/);
  });
});
