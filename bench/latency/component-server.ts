/**
 * The bench's XMPP server, as far as a component sees it: an XEP-0114 listener on a loopback
 * port 0 that accepts the components of its domain (Herald, joined by `herald start`; several
 * instances join as one domain), writes each stanza to one of them picked at random, as ejabberd
 * does (docs/several-instances.md), and hands each stanza they send back to `onStanza`. XEP-0114 §3: the component opens
 * `<stream:stream xmlns='jabber:component:accept' to='DOMAIN'>`, the server answers with a
 * stream id, and accepts `<handshake>` = hex SHA-1 of id + secret with an empty `<handshake/>`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { Parser, type Element } from '@xmpp/xml';

const NS_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

export class ComponentServer {
  /** Stanzas the component sends on its accepted stream. */
  onStanza: (stanza: Element) => void = () => {};
  /** An accepted stream ended (a component left or its connection broke). */
  onDisconnect: () => void = () => {};
  /** The authenticated links, each stanza written to one of them. */
  private readonly online: net.Socket[] = [];
  private waiting: { count: number; resolve: () => void } | undefined;

  private constructor(
    private readonly server: net.Server,
    readonly domain: string,
    private readonly secret: string,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(domain: string, secret: string): Promise<ComponentServer> {
    const server = net.createServer({ noDelay: true });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new ComponentServer(server, domain, secret);
  }

  /** What the component's `component.service` is set to. */
  get service(): string {
    return `xmpp://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Resolves once `count` components are online (handshake completed). */
  whenOnline(count = 1): Promise<void> {
    if (this.online.length >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { count, resolve }));
  }

  /** Writes a stanza (as text) on one accepted stream, picked at random; false when no component is online. */
  write(stanza: string): boolean {
    if (this.online.length === 0) return false;
    this.online[Math.floor(Math.random() * this.online.length)]!.write(stanza);
    return true;
  }

  async close(): Promise<void> {
    for (const socket of this.online) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const streamId = randomBytes(8).toString('hex');
    const parser = new Parser();
    let authenticated = false;
    parser.on('start', (header: Element) => {
      socket.write(
        `<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' ` +
          `xmlns='jabber:component:accept' id='${streamId}' from='${String(header.attrs.to)}'>`,
      );
    });
    parser.on('element', (el: Element) => {
      if (authenticated) return this.onStanza(el);
      if (el.name !== 'handshake') return;
      if (el.getText() !== createHash('sha1').update(streamId + this.secret).digest('hex')) {
        socket.end(`<stream:error><not-authorized xmlns='${NS_STREAMS}'/></stream:error></stream:stream>`);
        return;
      }
      authenticated = true;
      this.online.push(socket);
      socket.write('<handshake/>');
      if (this.waiting && this.online.length >= this.waiting.count) {
        this.waiting.resolve();
        this.waiting = undefined;
      }
    });
    parser.on('end', () => socket.end('</stream:stream>')); // RFC 6120 §4.4
    parser.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => parser.write(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      const at = this.online.indexOf(socket);
      if (at === -1) return;
      this.online.splice(at, 1);
      this.onDisconnect();
    });
  }
}
