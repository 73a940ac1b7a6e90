/**
 * The server side of XEP-0114 on port 0, as Prosody's mod_component speaks it, for the tests of
 * what a real server will not do on demand: refuse the secret, send an oversized or broken
 * stanza, close its stream, drop the connection. (The real server is test/interop/prosody.)
 *
 * XEP-0114 §3: the component opens `<stream:stream xmlns='jabber:component:accept' to='DOMAIN'>`,
 * the server answers with a stream id, the component sends `<handshake>` = hex SHA-1 of id + secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { Parser, type Element } from '@xmpp/xml';

const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

export interface AcceptServerEvents {
  /** A stanza the component sent on an accepted stream. */
  stanza: [Element];
  /** A `<stream:error/>` the component sent. */
  'stream-error': [Element];
  /** A handshake accepted (`true`) or refused. */
  handshake: [boolean];
  /** The component sent its closing `</stream:stream>`. */
  'stream-end': [];
  /** A connection ended. */
  disconnect: [];
}

export class AcceptServer extends EventEmitter<AcceptServerEvents> {
  /** Change at any time; checked at each handshake. */
  secret: string;
  /** While true, connections are accepted but stream headers never answered (a hung server). */
  mute = false;
  /**
   * The server's stream header for a stream id and the component's `to` (set it to send a broken
   * one; undefined restores Prosody's).
   */
  header: ((streamId: string, to: string) => string) | undefined;
  /** Stream headers the component opened. */
  streamsOpened = 0;
  handshakesAccepted = 0;
  handshakesRefused = 0;
  private readonly sockets = new Set<net.Socket>();
  private online: net.Socket | undefined;

  private constructor(
    private readonly server: net.Server,
    readonly domain: string,
    secret: string,
  ) {
    super();
    this.secret = secret;
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(domain: string, secret: string): Promise<AcceptServer> {
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new AcceptServer(server, domain, secret);
  }

  get service(): string {
    return `xmpp://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Writes raw text or bytes on the accepted stream (stanzas, broken XML, a closing tag). */
  write(data: string | Buffer): void {
    if (!this.online) throw new Error('no component is online');
    this.online.write(data);
  }

  /**
   * Writes each chunk on the accepted stream, waiting for the socket to drain between them, until
   * the chunks run out or the component closes the connection. Resolves with the bytes written.
   */
  async writeAll(chunks: Iterable<string | Buffer>): Promise<number> {
    const socket = this.online;
    if (!socket) throw new Error('no component is online');
    let written = 0;
    for (const chunk of chunks) {
      if (socket.destroyed || socket.writableEnded) break;
      written += Buffer.byteLength(chunk);
      if (!socket.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            socket.off('drain', done);
            socket.off('close', done);
            resolve();
          };
          socket.on('drain', done);
          socket.on('close', done);
        });
      }
    }
    return written;
  }

  /** Resolves with the next event of that name whose value passes `accept`. */
  next<K extends keyof AcceptServerEvents>(
    event: K,
    accept: (...args: AcceptServerEvents[K]) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<AcceptServerEvents[K]> {
    return new Promise((resolve, reject) => {
      const listener = (...args: AcceptServerEvents[K]): void => {
        if (!accept(...args)) return;
        clearTimeout(timer);
        this.off(event, listener as never);
        resolve(args);
      };
      const timer = setTimeout(() => {
        this.off(event, listener as never);
        reject(new Error(`accept server: no ${String(event)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on(event, listener as never);
    });
  }

  /** The server goes away: every connection destroyed, without a closing tag. */
  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const streamId = randomBytes(8).toString('hex');
    const parser = new Parser();
    let authenticated = false;
    parser.on('start', (header: Element) => {
      this.streamsOpened++;
      if (this.mute) return;
      const to = String(header.attrs.to);
      socket.write(
        this.header?.(streamId, to) ??
          `<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' ` +
            `xmlns='jabber:component:accept' id='${streamId}' from='${to}'>`,
      );
    });
    parser.on('element', (el: Element) => {
      if (el.name === 'handshake' && !authenticated) {
        const expected = createHash('sha1').update(streamId + this.secret).digest('hex');
        if (el.getText() === expected) {
          authenticated = true;
          this.online = socket;
          this.handshakesAccepted++;
          socket.write('<handshake/>');
          this.emit('handshake', true);
        } else {
          this.handshakesRefused++;
          socket.end(`<stream:error><not-authorized xmlns='${NS_STREAMS}'/></stream:error></stream:stream>`);
          this.emit('handshake', false);
        }
        return;
      }
      if (el.name === 'stream:error') this.emit('stream-error', el);
      else if (authenticated) this.emit('stanza', el);
    });
    parser.on('end', () => {
      this.emit('stream-end');
      socket.end('</stream:stream>'); // RFC 6120 §4.4, as Prosody does
    });
    parser.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => parser.write(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.online === socket) this.online = undefined;
      this.emit('disconnect');
    });
  }
}
