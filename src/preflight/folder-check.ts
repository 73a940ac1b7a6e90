/**
 * Whether Herald can make and write a folder the configuration names (the store, the folder of a
 * generated certificate or key), found out without leaving anything behind: the deepest existing
 * ancestor must be a directory in which a probe directory can be made and removed. That is the
 * one test procfs (`/proc/x`: ENOENT), sysfs (EPERM), a read-only mount (EROFS) and missing
 * permissions (EACCES) all fail the way the real mkdir would; `access(2)` says yes to root.
 */
import { closeSync, mkdtempSync, openSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DANGLING, describeErrno, kindOf } from '../core/make-directory.js';

/** Why the folder cannot be used, or undefined when it can. */
export function folderProblem(path: string): string | undefined {
  const target = resolve(path);
  let existing = target;
  // Bounded: each step moves to a strictly shorter path, and the root is its own parent.
  for (;;) {
    let kind: ReturnType<typeof kindOf>;
    try {
      kind = kindOf(existing);
    } catch (e) {
      return `${existing}: ${describeErrno((e as NodeJS.ErrnoException).code, e as Error)}`;
    }
    if (kind === 'directory') break;
    if (kind === 'other') return existing === target ? 'exists and is not a directory' : `${existing} is a file, not a directory`;
    if (kind === 'dangling') return existing === target ? DANGLING : `${existing} ${DANGLING}`;
    const parent = dirname(existing);
    if (parent === existing) return 'no part of the path exists';
    existing = parent;
  }
  try {
    rmdirSync(mkdtempSync(join(existing, '.herald-preflight-')));
  } catch (e) {
    const reason = describeErrno((e as NodeJS.ErrnoException).code, e as Error);
    return existing === target ? `is not writable: ${reason}` : `cannot be created in ${existing}: ${reason}`;
  }
  return undefined;
}

/**
 * The store folder: usable as a folder, and LMDB's two files in it (if present) regular files
 * that can be opened for reading and writing (opened and closed, not changed).
 */
export function storeFolderProblem(path: string): string | undefined {
  const folder = folderProblem(path);
  if (folder !== undefined) return folder;
  for (const name of ['data.mdb', 'lock.mdb']) {
    const file = join(path, name);
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return `${name}: ${describeErrno((e as NodeJS.ErrnoException).code, e as Error)}`;
    }
    if (!isFile) return `${name} in it is not a regular file`;
    try {
      closeSync(openSync(file, 'r+'));
    } catch (e) {
      return `${name} in it cannot be opened for writing: ${describeErrno((e as NodeJS.ErrnoException).code, e as Error)}`;
    }
  }
  return undefined;
}
