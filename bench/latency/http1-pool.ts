/**
 * The REST path's client: HTTP/1.1 keep-alive connections (TLS for https: URLs), one request at a
 * time on each, as MongooseIM's HTTP pool sends to MongoosePush — so HTTP/1.1, not HTTP/2. Every
 * request is the same prebuilt octets. A request finding no idle connection opens a new one, up
 * to `maxConnections`; only past that does it wait in the client (counted in `waitedForConnection`,
 * and in its latency, which runs from its scheduled time anyway).
 */
import net from 'node:net';
import tls from 'node:tls';
import { Http1AnswerReader, type Http1Answer } from './http1-answer.js';
import { failed, OK, type Outcome, type Target } from './target.js';

export interface Http1Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Done = (outcome: Outcome) => void;

export class Http1Pool implements Target {
  /** Connections open, and the most open at once. */
  open = 0;
  peakOpen = 0;
  /** Requests that found every one of `maxConnections` busy. */
  waitedForConnection = 0;
  private opening = 0;
  private readonly idle: Connection[] = [];
  private readonly waiting: Done[] = [];
  private readonly all = new Set<Connection>();
  private readonly bytes: Buffer;

  constructor(
    private readonly url: URL,
    request: Http1Request,
    private readonly maxConnections: number,
  ) {
    this.bytes = requestBytes(url, request);
  }

  send(done: Done): void {
    const conn = this.idle.pop();
    if (conn) return this.dispatch(conn, done);
    this.waiting.push(done);
    if (this.open + this.opening < this.maxConnections) this.openOne();
    else this.waitedForConnection++;
  }

  close(): void {
    for (const conn of this.all) conn.destroy();
  }

  private openOne(): void {
    this.opening++;
    Connection.open(this.url).then(
      (conn) => {
        this.opening--;
        this.open++;
        this.peakOpen = Math.max(this.peakOpen, this.open);
        this.all.add(conn);
        conn.onClose = () => {
          this.all.delete(conn);
          this.open--;
          const at = this.idle.indexOf(conn);
          if (at >= 0) this.idle.splice(at, 1);
        };
        this.release(conn);
      },
      (e: Error) => {
        this.opening--;
        this.waiting.shift()?.(failed(`connect: ${e.message}`));
      },
    );
  }

  private dispatch(conn: Connection, done: Done): void {
    conn.request(this.bytes, (a) => {
      // Idle again before `done` runs, so that a request it sends (a closed loop does) reuses it.
      if (conn.usable) this.idle.push(conn);
      done(a instanceof Error ? failed(a.message) : a.status >= 200 && a.status < 300 ? OK : failed(`HTTP ${a.status}`));
      this.serveWaiting();
    });
  }

  private release(conn: Connection): void {
    this.idle.push(conn);
    this.serveWaiting();
  }

  /** Hands idle connections to waiting requests; opens one more if some still wait and the cap allows. */
  private serveWaiting(): void {
    while (this.waiting.length > 0 && this.idle.length > 0) this.dispatch(this.idle.pop()!, this.waiting.shift()!);
    if (this.waiting.length > this.opening && this.open + this.opening < this.maxConnections) this.openOne();
  }
}

function requestBytes(url: URL, r: Http1Request): Buffer {
  const body = Buffer.from(r.body);
  const headers = { host: url.host, ...r.headers, 'content-length': String(body.length) };
  const head = `${r.method} ${r.path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** One keep-alive connection and the answer it waits for. */
class Connection {
  onClose: () => void = () => {};
  private pending: ((a: Http1Answer | Error) => void) | undefined;
  private readonly reader = new Http1AnswerReader();
  private closing = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', () => {}); // 'close' follows and fails what is pending
    socket.on('close', () => {
      this.closing = true;
      this.onClose();
      this.finish(new Error('connection closed'));
    });
  }

  static open(url: URL): Promise<Connection> {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return new Promise((resolve, reject) => {
      // https: Herald's REST certificate is the self-signed one it generated; the bench measures
      // latency, not trust (autocannon in bench/rest.ts does not verify it either).
      const socket =
        url.protocol === 'https:'
          ? tls.connect({ host: url.hostname, port, servername: 'localhost', rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
          : net.connect({ host: url.hostname, port });
      const ready = url.protocol === 'https:' ? 'secureConnect' : 'connect';
      socket.once(ready, () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  get usable(): boolean {
    return !this.closing;
  }

  request(bytes: Buffer, onAnswer: (a: Http1Answer | Error) => void): void {
    if (this.pending) throw new Error('a request is already outstanding on this connection');
    this.pending = onAnswer;
    this.socket.write(bytes);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    let answer: Http1Answer | undefined;
    try {
      answer = this.reader.push(chunk);
    } catch (e) {
      this.closing = true;
      this.socket.destroy();
      return this.finish(e as Error);
    }
    if (!answer) return;
    if (answer.close) {
      this.closing = true;
      this.socket.end();
    }
    this.finish(answer);
  }

  private finish(a: Http1Answer | Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(a);
  }
}
