/**
 * A folder of files a test writes (keys, certificates, service accounts) under the OS temp dir,
 * removed when the test file ends; and fresh private keys to put in them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export interface TempFiles {
  readonly dir: string;
  /** Writes `text` to `name` in the folder; returns its path. */
  file(name: string, text: string): string;
}

export function tempFiles(prefix: string): TempFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** A fresh PKCS#8 PEM private key: EC P-256 (what Apple's .p8 holds) or RSA 2048. */
export function pkcs8Key(type: 'ec' | 'rsa'): string {
  const { privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
