/**
 * The folders of one operator-mistake test file: the credential files, written before its first
 * test, and a fresh folder per case; all removed after its last test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forSuite } from '../../support/for-suite.js';
import { caseDir } from './config-files.js';
import { writeCredentials, type Credentials } from './credentials.js';

export interface MistakeFolders extends Credentials {
  /** A fresh folder for one case. */
  caseDir(): string;
  close(): Promise<void>;
}

/** `prefix` names the credentials folder under the OS temp dir. */
export function mistakeFolders(prefix: string): MistakeFolders {
  return forSuite(async () => {
    const credentials = await writeCredentials(mkdtempSync(join(tmpdir(), prefix)));
    const dirs = [credentials.dir];
    return {
      ...credentials,
      caseDir() {
        const dir = caseDir();
        dirs.push(dir);
        return dir;
      },
      async close() {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}
