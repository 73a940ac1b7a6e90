/**
 * `herald check` (the pre-flight) and start read the pools' credentials with one loader
 * (push-service/pools/credentials.ts): for the same bad file they report the same problem — the
 * same config key, path and cause.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigFileError, type FileProblem } from '../../src/core/config/config-file-error.js';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import { silentLogger } from '../../src/core/log.js';
import { preflight } from '../../src/preflight/preflight.js';
import { resolveApnsPools, resolveFcmPools } from '../../src/push-service/pools/credentials.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../../src/push-service/pools/pool-specs.js';
import { pkcs8Key, tempFiles } from '../support/temp-files.js';

const { dir, file } = tempFiles('herald-agree-');
const rsaKey = pkcs8Key('rsa');

/** The problems start meets resolving the pools' credentials. */
function atStart(config: HeraldConfig): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const resolve of [() => resolveApnsPools(apnsPoolSpecs(config.apns)), () => resolveFcmPools(fcmPoolSpecs(config.fcm), silentLogger)]) {
    try {
      resolve();
    } catch (e) {
      assert.ok(e instanceof ConfigFileError, String(e));
      problems.push(...e.problems);
    }
  }
  return problems;
}

/** The pre-flight's problems about the pools' files. */
async function atCheck(config: HeraldConfig): Promise<FileProblem[]> {
  const report = await preflight({ config });
  return report.problems.filter((p) => p.key.startsWith('apns.') || p.key.startsWith('fcm.'));
}

const cases: Array<[string, object]> = [
  ['a missing .p8 key', { apns: { key_file: join(dir, 'missing.p8') } }],
  ['an RSA key as the .p8', { apns: { key_file: file('rsa.p8', rsaKey) } }],
  ['text that is no PEM as a pool key', { apns: { pools: [{ mode: 'prod', key_file: file('text.p8', 'not a key') }] } }],
  ['a certificate pool with a key as its certificate', { apns: { pools: [{ mode: 'prod', auth: 'certificate', cert_file: file('key-as-cert.pem', rsaKey), cert_key_file: file('key.pem', rsaKey) }] } }],
  ['a CA file that is no certificate', { apns: { key_file: file('ec.p8', pkcs8Key('ec')), ca_file: file('ca.pem', rsaKey) } }],
  ['a service account that is not JSON', { fcm: { service_account_file: file('sa.json', '{ nope') } }],
  ['a named service account that is missing', { fcm: { service_account_file: join(dir, 'no-sa.json') } }],
];

for (const [what, raw] of cases) {
  test(`start and the pre-flight report ${what} alike`, async () => {
    const config = validateConfig({
      simulators: { apns: { enabled: false }, fcm: { enabled: false } },
      rest: { enabled: false },
      store: { path: join(dir, 'store') },
      fcm: { enabled: false },
      ...raw,
    });
    const start = atStart(config);
    assert.ok(start.length > 0, 'start refuses it');
    assert.deepEqual(await atCheck(config), start);
  });
}
