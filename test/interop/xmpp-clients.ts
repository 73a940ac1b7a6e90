/**
 * Real XMPP clients (@xmpp/client over plain TCP on loopback) doing what a phone app does with
 * push — create a node on the App Server, enable push on its own server, go away — and what its
 * correspondent does: send it a message. Every wait is bounded.
 */
import { client, type Client } from '@xmpp/client';
import xml, { type Element } from '@xmpp/xml';
import { commandField, NS_COMMANDS } from '../support/ad-hoc-commands.js';
import { eventually } from '../support/eventually.js';

/** ms for one connection or IQ round trip through a local server (and Herald behind it) on a loaded CI machine. */
export const ROUND_TRIP_TIMEOUT_MS = 10_000;

const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_PUSH = 'urn:xmpp:push:0';
const NS_DATA = 'jabber:x:data';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
const NS_PUSH2 = 'urn:xmpp:push2:0';
const NS_SCE_RFC8291 = 'urn:xmpp:sce:rfc8291:0';

export interface Account {
  /** xmpp://127.0.0.1:PORT of the server's c2s listener. */
  service: string;
  domain: string;
  username: string;
  password: string;
  resource: string;
}

/**
 * Logs in with XEP-0198 stream management (both interop servers offer it), then sends initial
 * presence, so the session is available and messages to the bare JID reach it.
 */
export async function connectUser(account: Account): Promise<Client> {
  const c = client(account);
  c.on('error', () => {}); // failures surface through start() and the requests
  try {
    await withTimeout(c.start(), ROUND_TRIP_TIMEOUT_MS, `${account.username} logs in`);
    // @xmpp/client 0.14 is online as soon as the resource is bound, before the server's <enabled/>;
    // on <enabled/> it resets its count of received stanzas, so a stanza received before that
    // (our presence's echo) would be left out of its acks and the server would end the stream
    // ("Client acknowledged less stanzas than already acknowledged"). Nothing is sent before it.
    await eventually(() => c.streamManagement.enabled, `${account.username}: stream management enabled`, ROUND_TRIP_TIMEOUT_MS);
    await c.send(xml('presence'));
    return c;
  } catch (e) {
    // The caller never gets this client: stop it, or its reconnects would keep the test process alive.
    await disconnect(c);
    throw e;
  }
}

/** Ends the session cleanly (closing tag), so the server counts the user offline. */
export async function disconnect(c: Client): Promise<void> {
  c.reconnect.stop();
  try {
    await withTimeout(c.stop(), ROUND_TRIP_TIMEOUT_MS, 'client stops');
  } catch {
    c.socket?.destroy();
  }
}

/**
 * The phone loses its network: the socket is destroyed without closing the stream, so a server
 * with XEP-0198 resumption keeps the session hibernated, waiting for the client to resume it.
 */
export function loseConnection(c: Client): void {
  c.reconnect.stop();
  c.socket?.destroy();
}

export function iq(c: Client, stanza: Element): Promise<Element> {
  return withTimeout(c.iqCaller.request(stanza, ROUND_TRIP_TIMEOUT_MS), ROUND_TRIP_TIMEOUT_MS, `IQ to ${String(stanza.attrs.to)}`);
}

/** XEP-0357 §5 (via XEP-0060 §8.1): a node of type push on the App Server. */
export function createPushNode(c: Client, appServer: string, node: string): Promise<Element> {
  return iq(c, xml('iq', { type: 'set', to: appServer }, xml('pubsub', { xmlns: NS_PUBSUB }, xml('create', { node, type: 'push' }))));
}

/** XEP-0357 §5: enable push on the user's own server for an APNS device. */
export function enablePush(c: Client, appServer: string, node: string, deviceToken: string): Promise<Element> {
  const field = (name: string, value: string) => xml('field', { var: name }, xml('value', {}, value));
  return iq(
    c,
    xml(
      'iq',
      { type: 'set' },
      xml(
        'enable',
        { xmlns: NS_PUSH, jid: appServer, node },
        xml('x', { xmlns: NS_DATA, type: 'submit' }, field('FORM_TYPE', PUBLISH_OPTIONS), field('service', 'apns'), field('device_id', deviceToken)),
      ),
    ),
  );
}

/** XEP-0050 §2.4: executes a registration command of the App Server with a submitted form; the `client` field of its result (Push 2.0). */
export async function registerDevice(c: Client, appServer: string, command: string, fields: Record<string, string>): Promise<string> {
  const form = xml('x', { xmlns: NS_DATA, type: 'submit' }, ...Object.entries(fields).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))));
  const reply = await iq(c, xml('iq', { type: 'set', to: appServer }, xml('command', { xmlns: NS_COMMANDS, node: command, action: 'execute' }, form)));
  const client = commandField(reply, 'client');
  if (!client) throw new Error(`no client field in ${reply.toString()}`);
  return client;
}

/**
 * Push 2.0: the `<notification/>` a user's server sends the push service for the device `client`,
 * carrying `payload` as an RFC 8291 body (`urn:xmpp:sce:rfc8291:0`); resolves once written.
 */
export function sendPush2Notification(c: Client, appServer: string, id: string, client: string, payload: Buffer): Promise<void> {
  const notification = xml(
    'notification',
    { xmlns: NS_PUSH2 },
    xml('client', {}, client),
    xml('priority', {}, 'high'),
    xml('encrypted', { xmlns: NS_SCE_RFC8291 }, xml('payload', {}, payload.toString('base64'))),
  );
  return c.send(xml('message', { to: appServer, id }, notification));
}

export function discoInfo(c: Client, jid: string): Promise<Element> {
  return iq(c, xml('iq', { type: 'get', to: jid }, xml('query', { xmlns: NS_DISCO_INFO })));
}

let messages = 0;

export function sendChat(c: Client, to: string, body: string): Promise<void> {
  return c.send(xml('message', { type: 'chat', to, id: `chat-${++messages}` }, xml('body', {}, body)));
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
