/**
 * For the remote-push tests: a plain node:http(s) server on port 0 that records every request and
 * answers as the test programs it, and a Herald whose App Server bridges to a URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Element } from '@xmpp/xml';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import type { TlsPair } from '../../src/core/tls.js';
import type { Herald } from '../../src/embed/engine.js';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';
import { startHeraldOnSimulators } from '../support/on-simulators.js';
import { RoutedReplies } from '../support/routed-replies.js';
import { parseStanza } from '../../src/xmpp/parse.js';
import { StanzaError } from '../../src/xmpp/stanza-error.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as received (UTF-8). */
  body: string;
  /** Which connection carried it (1, 2, … in the order they were opened). */
  connection: number;
  httpVersion: string;
}

/** A status and body; `hang` never answers; `destroy` cuts the connection without an answer. */
export type ProgrammedAnswer = { status: number; body?: string } | 'hang' | 'destroy';

export interface RecordingServer {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Connections opened so far. */
  readonly connectionsOpened: number;
  /** Answers of the next requests, in order; afterwards `200 null`. A promise holds the request until it settles. */
  answer(...answers: Array<ProgrammedAnswer | Promise<ProgrammedAnswer>>): void;
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startRecordingServer(options: { tls?: TlsPair } = {}): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const script: Array<ProgrammedAnswer | Promise<ProgrammedAnswer>> = [];
  const waiters: Array<{ count: number; resolve: (r: RecordedRequest[]) => void }> = [];
  const sockets = new Map<Socket, number>();
  let opened = 0;

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        connection: sockets.get(req.socket) ?? 0,
        httpVersion: req.httpVersion,
      });
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(requests.slice(0, w.count));
      }
      void Promise.resolve(script.shift() ?? { status: 200, body: 'null' }).then((answer) => {
        if (answer === 'hang') return;
        if (answer === 'destroy') return void req.socket.destroy();
        const body = answer.body ?? '';
        res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.set(socket, ++opened);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get connectionsOpened() {
      return opened;
    },
    answer(...answers) {
      script.push(...answers);
    },
    received(count) {
      if (requests.length >= count) return Promise.resolve(requests.slice(0, count));
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets.keys()) socket.destroy();
      });
    },
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'herald-remote-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A Herald without pools of its own whose App Server bridges to `remotePush.url`. */
export function bridgeConfig(dir: string, remotePush: Record<string, unknown>): HeraldConfig {
  return validateConfig({
    store: { path: join(dir, 'lmdb'), max_size_mib: 64 },
    apns: { enabled: false },
    fcm: { enabled: false },
    rest: { enabled: false },
    remote_push: { enabled: true, ...remotePush },
  });
}

export interface RunningHerald {
  herald: Herald;
  /** The APNS simulator, when the config enables it and APNS (a bridge's config does not). */
  apns: ApnsSimulator | undefined;
  /** Handles an IQ (text) and resolves with the reply Herald routed for its id. */
  iq(text: string): Promise<Element>;
  close(): Promise<void>;
}

export async function startHerald(config: HeraldConfig): Promise<RunningHerald> {
  const replies = new RoutedReplies();
  const { herald, apns, close } = await startHeraldOnSimulators({ config, host: { route: replies.route } });
  return { herald, apns, iq: (text) => replies.ask(herald, parseStanza(text, 65_536)), close };
}

export const SERVICE = 'push.localhost';
export const OWNER = 'alice@localhost';
let ids = 0;

export function createNodeIq(node: string): string {
  return (
    `<iq type='set' id='c${++ids}' from='${OWNER}/phone' to='${SERVICE}'>` +
    `<pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='${node}'/></pubsub></iq>`
  );
}

/** The XEP-0357 §5 publish MongooseIM sends: summary `type='submit'`, publish-options copied from `<enable/>`. */
export function publishIq(node: string, options: Record<string, string>, summary: Record<string, string>): string {
  const fields = (o: Record<string, string>): string =>
    Object.entries(o)
      .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
      .join('');
  return (
    `<iq type='set' id='p${++ids}' from='localhost' to='${SERVICE}'><pubsub xmlns='http://jabber.org/protocol/pubsub'>` +
    `<publish node='${node}'><item><notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data' type='submit'>` +
    `<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:push:summary</value></field>${fields(summary)}</x></notification></item></publish>` +
    `<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>` +
    `<value>http://jabber.org/protocol/pubsub#publish-options</value></field>${fields(options)}</x></publish-options>` +
    `</pubsub></iq>`
  );
}

/** The summary of the reference's MongooseIM examples. */
export const MONGOOSEIM_SUMMARY = { 'message-count': '1', 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' };

/** `result`, or the error as `type/condition` plus `+app-condition` when there is one. */
export function outcomeOf(reply: Element): string {
  if (reply.attrs.type === 'result') return 'result';
  const e = StanzaError.fromStanza(reply);
  return e.appCondition ? `${e.type}/${e.condition}+${e.appCondition.name}` : `${e.type}/${e.condition}`;
}
