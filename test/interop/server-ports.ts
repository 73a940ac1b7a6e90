/** What the interop harnesses share to run a real XMPP server on loopback. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { eventually } from '../support/eventually.js';

/** Hands `path` and everything below it to the server's system user (it drops root itself). */
export function chownTree(path: string, user: { uid: number; gid: number }): void {
  chownSync(path, user.uid, user.gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) chownTree(child, user);
    else chownSync(child, user.uid, user.gid);
  }
}

/** Ports the kernel hands out now; the server binds them a moment later (a race only another process on loopback could lose). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
