/**
 * The bench's XMPP server, as far as a component sees it: an XEP-0114 listener on a loopback
 * port 0 that accepts one component (Herald, joined by `herald start`), then writes stanzas to it
 * and hands each stanza it sends back to `onStanza`. XEP-0114 §3: the component opens
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
  /** The accepted stream ended (the component left or the connection broke). */
  onDisconnect: () => void = () => {};
  private online: net.Socket | undefined;
  private onOnline: (() => void) | undefined;

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

  /** Resolves once a component has completed its handshake. */
  whenOnline(): Promise<void> {
    if (this.online) return Promise.resolve();
    return new Promise((resolve) => (this.onOnline = resolve));
  }

  /** Writes a stanza (as text) on the accepted stream; false when no component is online. */
  write(stanza: string): boolean {
    if (!this.online) return false;
    this.online.write(stanza);
    return true;
  }

  async close(): Promise<void> {
    this.online?.destroy();
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
      this.online = socket;
      socket.write('<handshake/>');
      this.onOnline?.();
      this.onOnline = undefined;
    });
    parser.on('end', () => socket.end('</stream:stream>')); // RFC 6120 §4.4
    parser.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => parser.write(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.online !== socket) return;
      this.online = undefined;
      this.onDisconnect();
    });
  }
}
