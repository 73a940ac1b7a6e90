/** Ports on 127.0.0.1: ones free now, ones nothing listens on, and whether one accepts a connection. */
import { once } from 'node:events';
import net from 'node:net';

/** Ports the kernel hands out now; a server binding them a moment later gets them (a race only another process on loopback could lose). */
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

/** A port nothing listens on: bound once, then released, so connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** Whether a TCP connection to the port is accepted (it is closed again at once). */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
