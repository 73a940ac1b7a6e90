/**
 * Every TCP socket and HTTP/2 session of a simulator (APNS and FCM alike), so close() and
 * 'drop-connection' can end them without an HTTP/2 frame.
 */
import type { Http2Session } from 'node:http2';
import type { Socket } from 'node:net';

const ignore = (): void => {};

export class Connections {
  private readonly sessions = new Set<Http2Session>();
  private readonly sockets = new Map<string, Socket>();

  addSocket(socket: Socket): void {
    const key = addressKey(socket.remoteAddress, socket.remotePort);
    this.sockets.set(key, socket);
    socket.on('error', ignore);
    socket.once('close', () => this.sockets.delete(key));
  }

  addSession(session: Http2Session): void {
    this.sessions.add(session);
    // A client that vanishes or misbehaves must never crash the simulator.
    session.on('error', ignore);
    session.once('close', () => this.sessions.delete(session));
  }

  /** Destroys the raw socket whose peer is `remote` (HTTP/2's socket proxy forbids destroy()). */
  drop(remoteAddress: string | undefined, remotePort: number | undefined): boolean {
    const socket = this.sockets.get(addressKey(remoteAddress, remotePort));
    socket?.destroy();
    return socket !== undefined;
  }

  /** Destroys the TCP socket under `session`, or the session itself if the socket is gone. */
  dropSession(session: Http2Session): void {
    const proxy = session.socket;
    if (!this.drop(proxy.remoteAddress, proxy.remotePort)) session.destroy();
  }

  destroyAll(): void {
    for (const session of this.sessions) session.destroy();
    for (const socket of this.sockets.values()) socket.destroy();
  }
}

function addressKey(address: string | undefined, port: number | undefined): string {
  return `${address ?? ''}|${port ?? ''}`;
}
