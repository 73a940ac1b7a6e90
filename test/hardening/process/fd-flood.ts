/** Taking a `herald start` process's file descriptors from outside, with idle connections to its REST port. */
import net from 'node:net';
import { eventually } from '../../support/eventually.js';

/** Idle connections opened at most over the whole test (bounded flood on loopback). */
const MAX_FLOOD = 5_000;
/** ms between checks of Herald's descriptors (well below its reconnect backoff, 250 ms and up). */
const TOP_UP_EVERY_MS = 10;

/**
 * Idle TCP connections to the REST port (never a TLS ClientHello), opened until Herald holds as
 * many descriptors as it may, and topped up whenever it holds fewer (a descriptor it frees, e.g.
 * of a broken APNS connection, is taken before its reconnect backoff ends).
 */
export class Flood {
  readonly sockets = new Set<net.Socket>();
  opened = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly port: number,
    private readonly full: () => boolean,
  ) {}

  /** Resolves once Herald is out of descriptors; keeps it so until release(). */
  async hold(): Promise<void> {
    this.timer = setInterval(() => {
      if (!this.full()) this.top(10);
    }, TOP_UP_EVERY_MS);
    await eventually(() => this.full(), 'Herald out of descriptors', 20_000);
  }

  release(): void {
    clearInterval(this.timer);
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private top(n: number): void {
    for (let i = 0; i < n && this.opened < MAX_FLOOD; i++) {
      const socket = net.connect(this.port, '127.0.0.1');
      this.opened++;
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => this.sockets.delete(socket));
    }
  }
}
