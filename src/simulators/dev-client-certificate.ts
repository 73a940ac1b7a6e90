/**
 * A development APNS client certificate for a certificate-auth pool on the APNS simulator:
 * generated once where the configured files do not exist, then reused. Never valid at Apple.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirectory } from '../core/make-directory.js';
import { generateApnsClientCertificate } from './apns/index.js';

/** The certificate at `certFile` (PEM), generated with its key for `topic` when either file is missing. */
export async function ensureDevClientCertificate(certFile: string, keyFile: string, topic: string): Promise<string> {
  if (existsSync(certFile) && existsSync(keyFile)) return readFileSync(certFile, 'utf8');
  const pair = await generateApnsClientCertificate({ topic });
  for (const file of [certFile, keyFile]) makeDirectory(dirname(file)); // not mkdirSync's recursive walk: it can loop forever
  writeFileSync(keyFile, pair.key, { mode: 0o600 });
  writeFileSync(certFile, pair.cert);
  return pair.cert;
}
