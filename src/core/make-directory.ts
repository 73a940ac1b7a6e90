/**
 * `mkdir -p` that always ends. Node 20's `mkdirSync(path, { recursive: true })` walks back to the
 * parent on ENOENT and forward again on EEXIST; where a parent exists but cannot hold children
 * (procfs: `/proc/x`, a dangling symlink) that walk never ends and the process hangs with no
 * output. Here each component is created once, from the first existing ancestor down, so the
 * number of system calls is bounded by the path's depth and the first failure is the answer.
 */
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Makes `path` and its missing parents; throws a DirectoryError saying why it cannot. */
export function makeDirectory(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  let current = target;
  // Bounded: each step moves to a strictly shorter path; the root has itself as its parent.
  for (;;) {
    const kind = kindOrThrow(current, target);
    if (kind === 'directory') break;
    if (kind === 'other') throw notADirectory(current, target);
    if (kind === 'dangling') throw new DirectoryError(current, target, 'ENOENT', DANGLING);
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir); // not recursive: one attempt per component
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && kindOf(dir) === 'directory') continue; // made meanwhile by another process
      throw new DirectoryError(dir, target, code, describeErrno(code, e as Error));
    }
  }
}

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  constructor(
    /** The component that could not be made. */
    readonly at: string,
    readonly target: string,
    readonly code: string | undefined,
    readonly reason: string,
  ) {
    super(at === target ? reason : `${at}: ${reason}`);
  }
}

function notADirectory(at: string, target: string): DirectoryError {
  return new DirectoryError(at, target, 'ENOTDIR', at === target ? 'exists and is not a directory' : 'is not a directory');
}

function kindOrThrow(path: string, target: string): ReturnType<typeof kindOf> {
  try {
    return kindOf(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DirectoryError(path, target, code, describeErrno(code, e as Error));
  }
}

/** What is at `path`, following symlinks: a symlink whose target does not exist is `dangling`. */
export function kindOf(path: string): 'directory' | 'other' | 'missing' | 'dangling' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a component above is a file; walking up finds it and names it.
    if (code === 'ENOTDIR') return 'missing';
    if (code !== 'ENOENT') throw e;
    try {
      return lstatSync(path).isSymbolicLink() ? 'dangling' : 'missing';
    } catch {
      return 'missing';
    }
  }
}

/** The words for a symlink whose target does not exist (mkdir there fails with EEXIST). */
export const DANGLING = 'is a symbolic link to a target that does not exist';

/** errno → the words an operator reads (POSIX meanings, as mkdir(2) and open(2) list them). */
export function describeErrno(code: string | undefined, e?: Error): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory (or its parent cannot hold one, as in /proc or under a dangling symlink)';
    case 'ENOTDIR':
      return 'a component of the path is a file, not a directory';
    case 'EACCES':
      return 'permission denied';
    case 'EPERM':
      return 'operation not permitted (a special or protected file system)';
    case 'EROFS':
      return 'read-only file system';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return e?.message ?? String(code);
  }
}
