/**
 * The system users Debian's server packages create (prosody, ejabberd, postgres): the tests run
 * those servers as them when the suite runs as root (CI does), since the servers refuse root or
 * drop to their own user.
 */
import { execFileSync } from 'node:child_process';

export interface SystemUser {
  uid: number;
  gid: number;
}

/** `name`'s user and group ids (`id -u`, `id -g`). */
export function systemUser(name: string): SystemUser {
  const id = (flag: string): number => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** `name` when running as root, to spawn its server as; anyone else runs it as themselves (undefined). */
export function userWhenRoot(name: string): SystemUser | undefined {
  return process.getuid?.() === 0 ? systemUser(name) : undefined;
}
