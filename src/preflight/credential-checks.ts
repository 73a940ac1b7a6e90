/**
 * The files the configuration names, checked as start would use them: the REST TLS pair (or the
 * folder its generated pair goes to); each APNS pool's .p8 key or client certificate and key, CA
 * files and FCM service accounts by the loader start uses (push-service/pools/credentials.ts), so
 * both report the same problem for the same file. With a simulator enabled its provider's credentials are
 * generated where missing (push-wiring.ts), so a missing one only needs a writable folder.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HeraldConfig } from '../core/config/schema.js';
import { loadCa, loadTlsPair, type Loaded } from '../core/config/credential-files.js';
import { loadClientCertificate, loadServiceAccount, loadSigningKey } from '../push-service/pools/credentials.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../push-service/pools/pool-specs.js';
import { folderProblem } from './folder-check.js';

/** Where problems and warnings go (preflight.ts adds the environment variable behind a key). */
export interface Findings {
  problem(key: string, path: string, cause: string): void;
  warning(text: string): void;
}

export function checkRestTls(rest: HeraldConfig['rest'], found: Findings): void {
  if (!rest.enabled) return;
  const cert = rest.cert_file || undefined;
  const key = rest.key_file || undefined;
  if (cert && key) return report(loadTlsPair({ key: 'rest.cert_file', path: cert }, { key: 'rest.key_file', path: key }), found);
  if (cert) return found.problem('rest.key_file', '(unset)', 'must be set with rest.cert_file: the private key of that certificate');
  if (key) return found.problem('rest.cert_file', '(unset)', 'must be set with rest.key_file: the certificate of that key');
  checkGeneratedPair('rest.generated_cert_dir', rest.generated_cert_dir, found);
}

/** core/tls.ts: a saved pair is reused, else a new one is written to the folder. */
function checkGeneratedPair(key: string, dir: string, found: Findings): void {
  const cert = join(dir, 'cert.pem');
  const pem = join(dir, 'key.pem');
  if (existsSync(cert) && existsSync(pem)) return report(loadTlsPair({ key, path: cert }, { key, path: pem }), found);
  const folder = folderProblem(dir);
  if (folder) found.problem(key, dir, `the generated certificate cannot be saved there: ${folder}`);
}

/** Every problem of a credential, as start reports it (push-service/pools/credentials.ts). */
function report(loaded: Loaded<unknown>, found: Findings): void {
  if (!loaded.ok) for (const p of loaded.problems) found.problem(p.key, p.path, p.cause);
}

export function checkApns(config: HeraldConfig, found: Findings): void {
  const specs = apnsPoolSpecs(config.apns);
  if (specs.length === 0) return;
  const simulator = config.simulators.apns.enabled;
  for (const spec of specs) {
    const auth = spec.auth;
    const files = auth.kind === 'token' ? [auth.keyFile] : [auth.certFile, auth.keyFile];
    if (simulator && !files.every((f) => existsSync(f.path))) {
      // push-wiring.ts generates the simulator's development credentials where they are missing.
      const what = auth.kind === 'token' ? 'key' : 'certificate';
      for (const file of files) {
        const folder = folderProblem(dirname(file.path));
        if (folder) found.problem(file.key, file.path, `the simulator's development ${what} cannot be written there: ${folder}`);
      }
      continue;
    }
    report(auth.kind === 'token' ? loadSigningKey(auth.keyFile) : loadClientCertificate(auth.certFile, auth.keyFile), found);
  }
  const ca = specs[0]!.ca;
  if (!simulator && ca !== undefined) report(loadCa(ca), found);
}

export function checkFcm(config: HeraldConfig, found: Findings, setByEnvironment: (key: string) => boolean): void {
  const specs = fcmPoolSpecs(config.fcm);
  if (specs.length === 0 || config.simulators.fcm.enabled) return; // the simulator's own account is used
  for (const spec of specs) {
    const file = spec.auth.file;
    if (spec.auth.optional && !setByEnvironment(file.key) && !existsSync(file.path)) {
      // credentials.ts resolveFcmPools: an APNS-only deployment must not fail over FCM; the pool is left out.
      found.warning(`${file.key} = ${file.path}: no such file; FCM pool "${spec.name}" will be left out (FCM requests get no_matching_pool)`);
      continue;
    }
    report(loadServiceAccount(file), found);
  }
  const ca = specs[0]!.ca;
  if (ca !== undefined) report(loadCa(ca), found);
}

export function checkRemotePush(remote: HeraldConfig['remote_push'], found: Findings): void {
  if (remote.enabled && remote.ca_file !== undefined) report(loadCa({ key: 'remote_push.ca_file', path: remote.ca_file }), found);
}
