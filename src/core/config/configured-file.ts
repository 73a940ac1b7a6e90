/**
 * Reading a file the configuration names (a certificate, a key, a service account, a CA), with
 * the reason it cannot be read in an operator's words. Only regular files are read: a FIFO or a
 * device named by mistake (`/dev/stdin`, `/dev/zero`) would block or never end.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { describeErrno } from '../make-directory.js';
import type { Parsed } from '../pem.js';
import { ConfigFileError } from './config-file-error.js';

export function readConfiguredFile(path: string): Parsed<string> {
  let kind: 'file' | 'directory' | 'other';
  try {
    const stats = statSync(path);
    kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
  } catch (e) {
    return { ok: false, problem: missingReason(path, e as NodeJS.ErrnoException) };
  }
  if (kind === 'directory') return { ok: false, problem: 'is a directory, not a file' };
  if (kind === 'other') return { ok: false, problem: 'is not a regular file (a device, FIFO or socket)' };
  try {
    return { ok: true, value: readFileSync(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: `cannot be read: ${describeErrno(code, e as Error)}` };
  }
}

/** The file's text, or a ConfigFileError naming `key`, the path and the reason. */
export function readConfiguredFileOrThrow(key: string, path: string): string {
  const read = readConfiguredFile(path);
  if (!read.ok) throw ConfigFileError.of(key, path, read.problem);
  return read.value;
}

function missingReason(path: string, e: NodeJS.ErrnoException): string {
  if (e.code === 'ENOENT') {
    try {
      if (lstatSync(path).isSymbolicLink()) return 'is a symbolic link to nothing (its target does not exist)';
    } catch {
      // not even a link: plainly missing
    }
    return 'no such file';
  }
  return describeErrno(e.code, e);
}
