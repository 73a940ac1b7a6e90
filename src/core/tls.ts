/**
 * TLS material: load a configured PEM pair, or generate (once) a self-signed pair for
 * localhost so that `npm start` and the simulators serve HTTPS out of the box.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { ConfigFileError } from './config/config-file-error.js';
import { loadTlsPair } from './config/credential-files.js';
import { describeErrno, DirectoryError, makeDirectory } from './make-directory.js';

export interface TlsPair {
  cert: string;
  key: string;
}

/** A fresh self-signed certificate for localhost / 127.0.0.1 / ::1 (EC P-256, 10 years). */
export async function generateLocalhostPair(): Promise<TlsPair> {
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * Reads `cert.pem`/`key.pem` from `dir`, generating and saving them on first use. `key` is the
 * config key naming `dir`: a folder that cannot be made, or a saved pair that is no longer
 * usable, is a HERALD_CONFIG_FILE naming it.
 */
export async function loadOrGenerateLocalhostPair(dir: string, key = 'rest.generated_cert_dir'): Promise<TlsPair> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) return loadPair(certPath, keyPath, { cert: key, key });
  const pair = await generateLocalhostPair();
  try {
    makeDirectory(dir);
    writeFileSync(keyPath, pair.key, { mode: 0o600 });
    writeFileSync(certPath, pair.cert);
  } catch (e) {
    const reason = e instanceof DirectoryError ? e.message : describeErrno((e as NodeJS.ErrnoException).code, e as Error);
    throw ConfigFileError.of(key, dir, `the generated certificate cannot be saved there: ${reason}`);
  }
  return pair;
}

/** The configured PEM pair, checked as a pair (credential-files.ts); problems name the config keys in `keys`. */
export function loadPair(certFile: string, keyFile: string, keys = { cert: 'rest.cert_file', key: 'rest.key_file' }): TlsPair {
  const pair = loadTlsPair({ key: keys.cert, path: certFile }, { key: keys.key, path: keyFile });
  if (!pair.ok) throw new ConfigFileError(pair.problems);
  return pair.value;
}
