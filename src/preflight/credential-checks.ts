/**
 * The files the configuration names, checked as start would use them: the REST TLS pair (or the
 * folder its generated pair goes to), each APNS pool's .p8 key or client certificate and key,
 * CA files, FCM service accounts. With a simulator enabled its provider's credentials are
 * generated where missing (push-wiring.ts), so a missing one only needs a writable folder.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readConfiguredFile } from '../core/config/configured-file.js';
import { configSchema, type HeraldConfig } from '../core/config/schema.js';
import { isHeraldError } from '../core/errors.js';
import { checkTlsPair, parseCertificates } from '../core/pem.js';
import { loadSigningKey } from '../push-service/apns/jwt.js';
import { parseServiceAccount } from '../push-service/fcm/oauth.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../push-service/pools/pool-specs.js';
import { folderProblem } from './folder-check.js';

/** Where problems and warnings go (preflight.ts adds the environment variable behind a key). */
export interface Findings {
  problem(key: string, path: string, cause: string): void;
  warning(text: string): void;
}

interface Named {
  key: string;
  path: string;
}

export function checkRestTls(rest: HeraldConfig['rest'], found: Findings): void {
  if (!rest.enabled) return;
  const cert = rest.cert_file || undefined;
  const key = rest.key_file || undefined;
  if (cert && key) return checkPair({ key: 'rest.cert_file', path: cert }, { key: 'rest.key_file', path: key }, found);
  if (cert) return found.problem('rest.key_file', '(unset)', 'must be set with rest.cert_file: the private key of that certificate');
  if (key) return found.problem('rest.cert_file', '(unset)', 'must be set with rest.key_file: the certificate of that key');
  checkGeneratedPair('rest.generated_cert_dir', rest.generated_cert_dir, found);
}

/** core/tls.ts: a saved pair is reused, else a new one is written to the folder. */
function checkGeneratedPair(key: string, dir: string, found: Findings): void {
  const cert = join(dir, 'cert.pem');
  const pem = join(dir, 'key.pem');
  if (existsSync(cert) && existsSync(pem)) return checkPair({ key, path: cert }, { key, path: pem }, found);
  const folder = folderProblem(dir);
  if (folder) found.problem(key, dir, `the generated certificate cannot be saved there: ${folder}`);
}

function checkPair(cert: Named, key: Named, found: Findings): void {
  const certText = read(cert, found);
  const keyText = read(key, found);
  if (certText === undefined || keyText === undefined) return;
  const problems = checkTlsPair(certText, keyText);
  if (problems.cert) found.problem(cert.key, cert.path, problems.cert);
  if (problems.key) found.problem(key.key, key.path, problems.key);
}

function read(file: Named, found: Findings, hint = ''): string | undefined {
  if (file.path === '') {
    found.problem(file.key, '""', 'is an empty path');
    return undefined;
  }
  const text = readConfiguredFile(file.path);
  if (text.ok) return text.value;
  found.problem(file.key, file.path, text.problem + (text.problem === 'no such file' ? hint : ''));
  return undefined;
}

function checkCa(file: Named, found: Findings): void {
  const text = read(file, found);
  if (text === undefined) return;
  const certs = parseCertificates(text, { leaf: false });
  if (!certs.ok) found.problem(file.key, file.path, certs.problem);
}

const P8_HINT = " (the .p8 key from Apple's developer account: Certificates, Identifiers & Profiles → Keys)";

export function checkApns(config: HeraldConfig, found: Findings): void {
  const specs = apnsPoolSpecs(config.apns);
  if (specs.length === 0) return;
  const simulator = config.simulators.apns.enabled;
  for (const spec of specs) {
    const auth = spec.auth;
    if (auth.kind === 'token') {
      const file = { key: spec.fileKeys.keyFile, path: auth.keyFile };
      if (simulator && !existsSync(file.path)) {
        const folder = folderProblem(dirname(file.path));
        if (folder) found.problem(file.key, file.path, `the simulator's development key cannot be written there: ${folder}`);
        continue;
      }
      const text = read(file, found, P8_HINT);
      if (text === undefined) continue;
      try {
        loadSigningKey(text);
      } catch (e) {
        if (!isHeraldError(e, 'HERALD_AUTH_KEY_INVALID')) throw e;
        found.problem(file.key, file.path, e.detail ?? e.message);
      }
    } else {
      const cert = { key: spec.fileKeys.certFile ?? `${spec.name} cert_file`, path: auth.certFile };
      const key = { key: spec.fileKeys.keyFile, path: auth.keyFile };
      if (simulator && !(existsSync(cert.path) && existsSync(key.path))) {
        for (const file of [cert, key]) {
          const folder = folderProblem(dirname(file.path));
          if (folder) found.problem(file.key, file.path, `the simulator's development certificate cannot be written there: ${folder}`);
        }
        continue;
      }
      checkPair(cert, key, found);
    }
  }
  if (!simulator && config.apns.ca_file !== undefined) checkCa({ key: 'apns.ca_file', path: config.apns.ca_file }, found);
}

/** The schema's default service-account path: missing there means "no FCM", not a mistake. */
const DEFAULT_SERVICE_ACCOUNT_FILE = configSchema.parse({}).fcm.service_account_file;

export function checkFcm(config: HeraldConfig, found: Findings, setByEnvironment: (key: string) => boolean): void {
  const specs = fcmPoolSpecs(config.fcm);
  if (specs.length === 0 || config.simulators.fcm.enabled) return; // the simulator's own account is used
  for (const spec of specs) {
    const file = { key: spec.fileKeys.serviceAccountFile, path: spec.config.service_account_file };
    const implicit = file.key === 'fcm.service_account_file' && file.path === DEFAULT_SERVICE_ACCOUNT_FILE && !setByEnvironment(file.key);
    if (implicit && !existsSync(file.path)) {
      // fcm-pool.ts: an APNS-only deployment must not fail over FCM; the pool is left out.
      found.warning(`${file.key} = ${file.path}: no such file; FCM pool "${spec.name}" will be left out (FCM requests get no_matching_pool)`);
      continue;
    }
    const text = read(file, found, ' (the service account JSON: Firebase console → Project settings → Service accounts)');
    if (text === undefined) continue;
    const account = parseServiceAccount(text);
    if (!account.ok) found.problem(file.key, file.path, account.problem);
  }
  if (config.fcm.ca_file !== undefined) checkCa({ key: 'fcm.ca_file', path: config.fcm.ca_file }, found);
}

export function checkRemotePush(remote: HeraldConfig['remote_push'], found: Findings): void {
  if (remote.enabled && remote.ca_file !== undefined) checkCa({ key: 'remote_push.ca_file', path: remote.ca_file }, found);
}
