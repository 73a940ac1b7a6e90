/**
 * The credential loader (pools/credentials.ts): every bad key, certificate or service-account file
 * refuses the start with HERALD_CONFIG_FILE naming the config key and the file, never a raw errno
 * or an OpenSSL message; every problem of every pool at once.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigFileError, type FileProblem } from '../../../src/core/config/config-file-error.js';
import { validateConfig } from '../../../src/core/config/load.js';
import { silentLogger } from '../../../src/core/log.js';
import { resolveApnsPools, resolveFcmPools } from '../../../src/push-service/pools/credentials.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../../../src/push-service/pools/pool-specs.js';
import { pkcs8Key as pkcs8, tempFiles } from '../../support/temp-files.js';

const { dir, file } = tempFiles('herald-credentials-');

/** The problems the APNS pools of `apns` are refused with at start. */
function apnsProblems(apns: object): readonly FileProblem[] {
  const config = validateConfig({ apns });
  try {
    resolveApnsPools(apnsPoolSpecs(config.apns));
  } catch (e) {
    assert.ok(e instanceof ConfigFileError, `a HERALD_CONFIG_FILE, not ${String(e)}`);
    assert.equal(e.code, 'HERALD_CONFIG_FILE');
    return e.problems;
  }
  return assert.fail('the pools started');
}

function fcmProblems(fcm: object): readonly FileProblem[] {
  const config = validateConfig({ fcm });
  try {
    resolveFcmPools(fcmPoolSpecs(config.fcm), silentLogger);
  } catch (e) {
    assert.ok(e instanceof ConfigFileError, `a HERALD_CONFIG_FILE, not ${String(e)}`);
    return e.problems;
  }
  return assert.fail('the pools started');
}

function assertOneProblem(problems: readonly FileProblem[], key: string, path: string, cause: RegExp): void {
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.equal(problems[0]!.key, key);
  assert.equal(problems[0]!.path, path);
  assert.match(problems[0]!.cause, cause);
}

describe('APNS credentials read at start', () => {
  it('a missing .p8 key names apns.key_file and the file once, though both default pools use it', () => {
    const missing = join(dir, 'nowhere.p8');
    assertOneProblem(apnsProblems({ key_file: missing }), 'apns.key_file', missing, /^no such file \(the \.p8 key/);
  });

  it('a key path that is a folder is refused as one, not as EISDIR', () => {
    const folder = join(dir, 'a-folder.p8');
    mkdirSync(folder, { recursive: true });
    assertOneProblem(apnsProblems({ key_file: folder }), 'apns.key_file', folder, /is a directory, not a file/);
  });

  it('a key file that is not PEM says so', () => {
    const path = file('garbage.p8', 'hello, I am not a key\n');
    assertOneProblem(apnsProblems({ key_file: path }), 'apns.key_file', path, /is not PEM/);
  });

  it('an RSA key where the ES256 .p8 belongs names the key type it found', () => {
    const path = file('rsa.p8', pkcs8('rsa'));
    assertOneProblem(apnsProblems({ key_file: path }), 'apns.key_file', path, /private key of type RSA; expected an EC P-256 private key/);
  });

  it("a pool's own key file is named by the pool's key", () => {
    const missing = join(dir, 'pool-key.p8');
    const problems = apnsProblems({ key_file: file('good.p8', pkcs8('ec')), pools: [{ mode: 'prod' }, { mode: 'dev', key_file: missing }] });
    assertOneProblem(problems, 'apns.pools.1.key_file', missing, /no such file/);
  });

  it('a certificate pool with a key as its certificate and text as its key reports both files', () => {
    const key = file('client-key.pem', pkcs8('ec'));
    const text = file('client-text.pem', 'not a key');
    const problems = apnsProblems({ pools: [{ mode: 'prod', auth: 'certificate', cert_file: key, cert_key_file: text }] });
    assert.deepEqual(
      problems.map((p) => [p.key, p.path]),
      [
        ['apns.pools.0.cert_file', key],
        ['apns.pools.0.cert_key_file', text],
      ],
    );
    assert.match(problems[0]!.cause, /holds a private key, not a certificate/);
    assert.match(problems[1]!.cause, /is not PEM/);
  });

  it('every pool with a bad file is reported at once', () => {
    const problems = apnsProblems({ key_file: join(dir, 'none.p8'), ca_file: join(dir, 'none-ca.pem') });
    assert.deepEqual(problems.map((p) => p.key).sort(), ['apns.ca_file', 'apns.key_file']);
  });

  it('a good key starts the pools, sharing one token source', () => {
    const config = validateConfig({ apns: { key_file: file('shared.p8', pkcs8('ec')) } });
    const [prod, dev] = resolveApnsPools(apnsPoolSpecs(config.apns));
    assert.equal(prod!.auth.kind, 'token');
    assert.equal(prod!.auth.kind === 'token' && dev!.auth.kind === 'token' && prod!.auth.tokens === dev!.auth.tokens, true);
  });
});

describe('FCM credentials read at start', () => {
  it('a named service account that is missing refuses the start (only the unnamed default is optional)', () => {
    const missing = join(dir, 'absent.json');
    assertOneProblem(fcmProblems({ service_account_file: missing }), 'fcm.service_account_file', missing, /^no such file \(the service account JSON/);
  });

  it('a service account without its private key names the missing field', () => {
    const path = file('no-key.json', JSON.stringify({ type: 'service_account', project_id: 'p', client_email: 'a@p.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token' }));
    assertOneProblem(fcmProblems({ service_account_file: path }), 'fcm.service_account_file', path, /lacks private_key/);
  });

  it('a service account that is not JSON says so', () => {
    const path = file('not.json', '-----BEGIN PRIVATE KEY-----\n');
    assertOneProblem(fcmProblems({ pools: [{ service_account_file: path }] }), 'fcm.pools.0.service_account_file', path, /is not JSON/);
  });
});
