/**
 * The simulator's connections: every TCP socket (so close() and drop-connection can end them),
 * every HTTP/2 session, and which sessions have shown a valid provider token.
 */
import type { Http2Session } from 'node:http2';
import type { Socket } from 'node:net';

const ignore = (): void => {};

export class Connections {
  readonly sessions = new Set<Http2Session>();
  private readonly sockets = new Map<string, Socket>();
  private readonly authenticated = new WeakSet<Http2Session>();

  /** Raw TCP socket of a new connection (server 'connection'). */
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

  /** Marks the session authenticated; true the first time (time to raise the stream limit). */
  authenticate(session: Http2Session): boolean {
    if (this.authenticated.has(session)) return false;
    this.authenticated.add(session);
    return true;
  }

  /** Forgets the session's token; true if it had one. */
  unauthenticate(session: Http2Session): boolean {
    return this.authenticated.delete(session);
  }

  /** Destroys the TCP socket under `session` without sending any HTTP/2 frame. */
  drop(session: Http2Session): void {
    // node:http2 forbids destroy() through session.socket (ERR_HTTP2_NO_SOCKET_MANIPULATION),
    // so the raw socket is found by its peer address.
    const proxy = session.socket;
    const socket = this.sockets.get(addressKey(proxy.remoteAddress, proxy.remotePort));
    if (socket !== undefined) socket.destroy();
    else session.destroy();
  }

  destroyAll(): void {
    for (const session of this.sessions) session.destroy();
    for (const socket of this.sockets.values()) socket.destroy();
  }
}

function addressKey(address: string | undefined, port: number | undefined): string {
  return `${address ?? ''}|${port ?? ''}`;
}
