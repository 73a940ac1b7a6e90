/** What the interop harnesses share to run a real XMPP server on loopback. */
import type { ChildProcess } from 'node:child_process';
import { chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/eventually.js';
import { accepts } from '../support/loopback.js';

/** Hands `path` and everything below it to the server's system user (it drops root itself). */
export function chownTree(path: string, user: { uid: number; gid: number }): void {
  chownSync(path, user.uid, user.gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) chownTree(child, user);
    else chownSync(child, user.uid, user.gid);
  }
}

/**
 * Prosody and ejabberd open their listeners once every host and module has started: an accepted
 * connection on each port means the server is ready.
 */
export async function waitForPorts(name: string, ports: number[], child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const opened = async (port: number): Promise<boolean> => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode})`);
    return accepts(port);
  };
  for (const port of ports) await eventually(() => opened(port), `${name} to open port ${port}`, Math.max(0, deadline - Date.now()), 50);
}
