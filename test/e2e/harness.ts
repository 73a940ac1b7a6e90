/** Starts a whole Herald engine on temp storage, on the APNS and FCM simulators (port 0). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http2 from 'node:http2';
import xml, { type Element } from '@xmpp/xml';
import { validateConfig } from '../../src/core/config/load.js';
import type { HeraldConfig } from '../../src/core/config/schema.js';
import type { Herald } from '../../src/embed/engine.js';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';
import type { FcmSimulator } from '../../src/simulators/fcm/index.js';
import type { WebPushSimulator } from '../../src/simulators/webpush/index.js';
import { startHeraldOnSimulators } from '../support/on-simulators.js';
import { RoutedReplies } from '../support/routed-replies.js';
import { commandField } from '../support/ad-hoc-commands.js';

export const TOKEN = 'a'.repeat(64);
export const TOKEN2 = 'b'.repeat(64);

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'herald-e2e-'));
}

export function configIn(dir: string, extra: Record<string, unknown> = {}): HeraldConfig {
  return validateConfig({
    store: { path: join(dir, 'lmdb') },
    apns: { key_file: join(dir, 'apns.p8') },
    webpush: { vapid_key_file: join(dir, 'vapid.pem') },
    rest: { enabled: false, port: 0, generated_cert_dir: join(dir, 'tls') },
    simulators: { apns: { port: 0 } },
    ...extra,
  });
}

export interface Running {
  herald: Herald;
  apns: ApnsSimulator | undefined;
  fcm: FcmSimulator | undefined;
  webpush: WebPushSimulator | undefined;
  /** Herald's close(), then the simulators'. */
  close(): Promise<void>;
  routed: Element[];
  /** Sends a stanza and resolves with the reply routed for its id. */
  iq(stanza: Element): Promise<Element>;
}

export async function startHerald(config: HeraldConfig): Promise<Running> {
  const routed: Element[] = [];
  const replies = new RoutedReplies((stanza) => routed.push(stanza));
  const { herald, apns, fcm, webpush, close } = await startHeraldOnSimulators({ config, host: { route: replies.route } });
  return { herald, apns, fcm, webpush, close, routed, iq: (stanza) => replies.ask(herald, stanza) };
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs `body` against a Herald on `configIn(dir, extra)` in a fresh folder `dir` (`extra` may be
 * made from it), then closes Herald and removes the folder, whether `body` passed or not.
 */
export async function withHerald(
  extra: Record<string, unknown> | ((dir: string) => Record<string, unknown>),
  body: (running: Running & { dir: string }) => Promise<void>,
): Promise<void> {
  const dir = tempDir();
  try {
    const running = await startHerald(configIn(dir, typeof extra === 'function' ? extra(dir) : extra));
    try {
      await body({ ...running, dir });
    } finally {
      await running.close();
    }
  } finally {
    cleanup(dir);
  }
}

let ids = 0;
export const nextId = () => `t${++ids}`;

export function createNodeIq(owner: string, node: string): Element {
  return xml(
    'iq',
    { type: 'set', id: nextId(), from: owner, to: 'push.localhost' },
    xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('create', { node, type: 'push' })),
  );
}

export function enableIq(fullJid: string, node: string, options: Record<string, string>): Element {
  const bare = fullJid.split('/')[0]!;
  const fields = Object.entries(options).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v)));
  return xml(
    'iq',
    { type: 'set', id: nextId(), from: fullJid, to: bare },
    xml(
      'enable',
      { xmlns: 'urn:xmpp:push:0', jid: 'push.localhost', node },
      xml(
        'x',
        { xmlns: 'jabber:x:data', type: 'submit' },
        xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
        ...fields,
      ),
    ),
  );
}

/**
 * Runs an XEP-0050 register command (register-push-apns, -fcm, -webpush) for `from` and returns
 * the Push 2.0 client string its result answers.
 */
export async function registerDevice(running: Running, command: string, fields: Record<string, string>, from = 'alice@localhost/phone'): Promise<string> {
  const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v))));
  const execute = xml('command', { xmlns: 'http://jabber.org/protocol/commands', node: command, action: 'execute' }, form);
  const reply = await running.iq(xml('iq', { type: 'set', id: nextId(), from, to: 'push.localhost' }, execute));
  const client = commandField(reply, 'client');
  if (!client) throw new Error(`no client in ${reply.toString()}`);
  return client;
}

export function chat(from: string, to: string, body: string): Element {
  return xml('message', { type: 'chat', from, to, id: nextId() }, xml('body', {}, body));
}

/** POSTs JSON over HTTP/2 to the REST API and returns the status and the body text. */
export function postJson(url: string, ca: string, path: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca });
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json' });
    let data = '';
    let status = 0;
    req.setEncoding('utf8');
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      session.close();
      resolve({ status, body: data });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
