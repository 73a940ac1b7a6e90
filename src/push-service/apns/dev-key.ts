/**
 * A development .p8 key for the bundled APNS simulator: generated once, then reused, so the
 * default configuration runs without an Apple account. Never used against Apple (Apple only
 * accepts keys it issued).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HeraldError } from '../../core/errors.js';
import { makeDirectory } from '../../core/make-directory.js';

export interface ApnsKeyPair {
  /** PKCS#8 PEM, the .p8 format Apple issues. */
  privateKeyPem: string;
  /** SPKI PEM, what the simulator verifies tokens with. */
  publicKeyPem: string;
}

/** Reads the .p8 key at `path`, generating and writing an EC P-256 key (mode 0600) if missing. */
export function ensureDevApnsKey(path: string): ApnsKeyPair {
  let privateKeyPem = readIfExists(path);
  if (privateKeyPem === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const fresh = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      makeDirectory(dirname(path));
    } catch (e) {
      throw keyError(path, e);
    }
    try {
      // 'wx': never overwrite a key another process wrote meanwhile; use theirs instead.
      writeFileSync(path, fresh, { mode: 0o600, flag: 'wx' });
      privateKeyPem = fresh;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw keyError(path, e);
      privateKeyPem = readFileSync(path, 'utf8');
    }
  }
  try {
    const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    return { privateKeyPem, publicKeyPem };
  } catch (e) {
    throw keyError(path, e);
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw keyError(path, e);
  }
}

function keyError(path: string, cause: unknown): HeraldError {
  return new HeraldError('HERALD_AUTH_KEY_INVALID', `${path}: ${(cause as Error).message}`, { cause });
}
