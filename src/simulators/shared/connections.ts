/**
 * Every TCP socket, TLS socket and HTTP/2 session of a simulator (APNS and FCM alike), so that
 * close(), drops and GOAWAY can end them (HTTP/2's socket proxy forbids end() and destroy()).
 */
import type { Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

const ignore = (): void => {};

export class Connections {
  private readonly all = new Set<Http2Session>();
  /** Each session's peer address, kept because session.socket is gone once the session is destroyed. */
  private readonly peers = new WeakMap<Http2Session, string>();
  private readonly tcp = new Map<string, Socket>();
  private readonly tls = new Map<string, TLSSocket>();

  get sessions(): Iterable<Http2Session> {
    return this.all;
  }

  /** The server's 'connection' event: the raw TCP socket. */
  addSocket(socket: Socket): void {
    const key = addressKey(socket.remoteAddress, socket.remotePort);
    this.tcp.set(key, socket);
    socket.on('error', ignore);
    socket.once('close', () => this.tcp.delete(key));
  }

  /** The server's 'secureConnection' event: the TLS socket over it. */
  addTlsSocket(socket: TLSSocket): void {
    const key = addressKey(socket.remoteAddress, socket.remotePort);
    this.tls.set(key, socket);
    socket.on('error', ignore);
    socket.once('close', () => this.tls.delete(key));
  }

  addSession(session: Http2Session): void {
    this.all.add(session);
    this.peers.set(session, addressKey(session.socket.remoteAddress, session.socket.remotePort));
    // A client that vanishes or misbehaves must never crash the simulator.
    session.on('error', ignore);
    session.once('close', () => this.all.delete(session));
  }

  /** Destroys the raw socket whose peer is `remote`, without a frame; false if it is gone. */
  drop(remoteAddress: string | undefined, remotePort: number | undefined): boolean {
    return this.dropKey(addressKey(remoteAddress, remotePort));
  }

  /** Destroys the TCP socket under `session`, or the session itself if the socket is gone. */
  dropSession(session: Http2Session): void {
    const key = this.peers.get(session);
    if (key === undefined || !this.dropKey(key)) session.destroy();
  }

  /**
   * Ends the TLS connection under `session` after what is already written (close_notify, FIN):
   * no further HTTP/2 frame, unlike session.close() whose own GOAWAY would claim every stream
   * seen as processed (RFC 9113 §6.8 forbids raising the last stream id).
   */
  endSession(session: Http2Session): void {
    if (session.destroyed) return;
    const key = this.peers.get(session);
    const socket = key === undefined ? undefined : this.tls.get(key);
    if (socket !== undefined) socket.end();
    else this.dropSession(session);
  }

  /** Destroys every TCP socket, so no frame leaves (the server keeps listening). */
  dropAll(): void {
    for (const socket of this.tcp.values()) socket.destroy();
  }

  /** Destroys every connection: the sockets first (no frame leaves), then what is left of the sessions. */
  destroyAll(): void {
    this.dropAll();
    for (const session of this.all) session.destroy();
  }

  private dropKey(key: string): boolean {
    const socket = this.tcp.get(key);
    socket?.destroy();
    return socket !== undefined;
  }
}

function addressKey(address: string | undefined, port: number | undefined): string {
  return `${address ?? ''}|${port ?? ''}`;
}
