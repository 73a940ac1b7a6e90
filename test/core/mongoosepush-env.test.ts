import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../src/core/config/load.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../../src/push-service/pools/pool-specs.js';

test("MongoosePush's PUSH_HTTPS_* and FCM variables set the REST and FCM keys", () => {
  const config = validateConfig({}, 'test', {
    PUSH_HTTPS_BIND_ADDR: '0.0.0.0',
    PUSH_HTTPS_PORT: '9443',
    PUSH_HTTPS_KEYFILE: '/etc/push/key.pem',
    PUSH_HTTPS_CERTFILE: '/etc/push/cert.pem',
    PUSH_FCM_ENABLED: 'true',
    PUSH_APNS_ENABLED: 'false',
    PUSH_FCM_APP_FILE: '/etc/push/fcm.json',
    PUSH_FCM_POOL_SIZE: '5',
  });
  assert.equal(config.rest.bind, '0.0.0.0');
  assert.equal(config.rest.port, 9443);
  assert.equal(config.rest.key_file, '/etc/push/key.pem');
  assert.equal(config.rest.cert_file, '/etc/push/cert.pem');
  assert.equal(config.fcm.enabled, true);
  assert.equal(config.apns.enabled, false);
  assert.deepEqual(apnsPoolSpecs(config.apns), []);
  assert.equal(fcmPoolSpecs(config.fcm)[0]!.auth.file.path, '/etc/push/fcm.json');
  assert.equal(fcmPoolSpecs(config.fcm)[0]!.connections, 5);
});

test('PUSH_APNS_PROD_* and PUSH_APNS_DEV_* configure the pool of each mode and keep the other one', () => {
  const config = validateConfig({}, 'test', {
    PUSH_APNS_PROD_CERT: '/etc/push/prod-cert.pem',
    PUSH_APNS_PROD_KEY: '/etc/push/prod-key.pem',
    PUSH_APNS_PROD_POOL_SIZE: '4',
    PUSH_APNS_PROD_DEFAULT_TOPIC: 'com.example.app',
    PUSH_APNS_PROD_USE_2197: 'true',
    PUSH_APNS_DEV_P8_TOKEN: '/etc/push/dev.p8',
    PUSH_APNS_DEV_KEY_ID: 'KEYID12345',
    PUSH_APNS_DEV_TEAM_ID: 'TEAMID1234',
    PUSH_APNS_DEV_ENDPOINT: 'localhost',
  });
  const [prod, dev] = apnsPoolSpecs(config.apns);
  assert.equal(prod!.name, 'apns-prod');
  assert.deepEqual(prod!.auth, {
    kind: 'certificate',
    certFile: { key: 'apns.pools.0.cert_file', path: '/etc/push/prod-cert.pem' },
    keyFile: { key: 'apns.pools.0.cert_key_file', path: '/etc/push/prod-key.pem' },
  });
  assert.equal(prod!.connections, 4);
  assert.equal(prod!.topic, 'com.example.app');
  assert.equal(prod!.endpoint, 'https://api.push.apple.com:2197');
  assert.equal(dev!.name, 'apns-dev');
  assert.deepEqual(dev!.auth, {
    kind: 'token',
    teamId: 'TEAMID1234',
    keyId: 'KEYID12345',
    keyFile: { key: 'apns.pools.1.key_file', path: '/etc/push/dev.p8' },
    refreshAfterS: config.apns.jwt_refresh_s,
  });
  assert.equal(dev!.endpoint, 'https://localhost');
});

test("HERALD__ overrides win over MongoosePush's variables", () => {
  const config = validateConfig({}, 'test', { PUSH_HTTPS_PORT: '9443', HERALD__REST__PORT: '8444' });
  assert.equal(config.rest.port, 8444);
});

test('a bad PUSH_* value is named like any bad key, and certificate plus token auth at once is refused', () => {
  assert.throws(
    () => validateConfig({}, 'test', { PUSH_HTTPS_PORT: 'eighty', PUSH_FCM_ENABLED: 'yes' }),
    (e: Error) => /rest\.port/.test(e.message) && /fcm\.enabled/.test(e.message),
  );
  assert.throws(
    () => validateConfig({}, 'test', { PUSH_APNS_PROD_CERT: '/c.pem', PUSH_APNS_PROD_KEY: '/k.pem', PUSH_APNS_PROD_P8_TOKEN: '/t.p8' }),
    /PUSH_APNS_PROD_CERT \/ PUSH_APNS_PROD_P8_TOKEN: set one/,
  );
});

test('a certificate pool without its files, and two pools of one name, are config errors naming the key', () => {
  assert.throws(
    () => validateConfig({ apns: { pools: [{ mode: 'prod', auth: 'certificate', cert_file: '/c.pem' }] } }),
    /apns\.pools\.0\.cert_key_file: required when auth = "certificate"/,
  );
  assert.throws(
    () => validateConfig({ apns: { pools: [{ mode: 'prod' }, { name: 'apns-prod', mode: 'dev' }] } }),
    /apns\.pools\.1\.name: pool name "apns-prod" is used by an earlier pool/,
  );
  assert.throws(() => validateConfig({ fcm: { pools: [{}, { tags: ['x'] }, { name: 'fcm-2' }] } }), /fcm\.pools\.2\.name/);
});
