/**
 * What a real XMPP server does with several XEP-0114 connections for one component domain — the
 * question of running several Herald instances (issue 11, item 4). Bare component connections
 * (component-peer.ts) join a private Prosody 0.12 and a private ejabberd 23.01 as the same
 * domain, and a real user sends messages to that domain; the tests record which connection the
 * server keeps, which it closes and with what, and which one each message reaches.
 *
 * What the servers' sources say (docs/several-instances.md quotes them):
 * - Prosody, mod_component.lua `handle_component_auth`: a second authenticated connection while
 *   one is connected is closed with `conflict` "Component already connected" (policy
 *   `component_conflict_resolve`, default "kick_new"); with "kick_old" the first is closed with
 *   `conflict` "Replaced by a new connection" instead.
 * - ejabberd, ejabberd_service.erl `handle_auth_success`: every accepted connection registers
 *   one more route for the domain (ejabberd_router:register_route), no conflict check; and
 *   ejabberd_router.erl `balancing_route`: with several routes and no `domain_balancing` set,
 *   each stanza goes to one route picked by a hash of the current time, i.e. at random.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@xmpp/client';
import xml from '@xmpp/xml';
import { ComponentPeer } from './component-peer.js';
import { connectUser, disconnect } from './xmpp-clients.js';
import type { RealServer } from './push-scenarios.js';
import { CONFIG_TEMPLATE as PROSODY_TEMPLATE, ProsodyServer } from './prosody/prosody-server.js';
import { EjabberdServer } from './ejabberd/ejabberd-server.js';
import { eventually } from '../support/eventually.js';

const SECRET = 'peers-component-secret';
/** The component domain of both interop configs. */
const DOMAIN = 'push.localhost';
const USER_DOMAIN = 'localhost';
/** Messages sent to see how a server spreads them: with two connections picked at random, the chance that one gets none is 2 × 2⁻⁴⁰. */
const SPREAD_PROBES = 40;
/** Messages sent to see that one connection gets them all. */
const FEW_PROBES = 5;

type PeersServer = Pick<RealServer, 'c2sService' | 'componentService' | 'register' | 'mark' | 'waitForLog' | 'dispose'>;

let probes = 0;

/** `count` messages from `user` to the component domain; their ids. */
async function sendProbes(user: Client, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `probe-${++probes}`;
    ids.push(id);
    await user.send(xml('message', { to: DOMAIN, id, type: 'normal' }, xml('body', {}, id)));
  }
  return ids;
}

/** Waits until every one of `ids` has reached one of `peers`; fails if one reached two. */
async function eachReachedOne(peers: ComponentPeer[], ids: string[]): Promise<void> {
  const seen = (): string[] => peers.flatMap((p) => p.received.filter((id) => ids.includes(id)));
  await eventually(() => ids.every((id) => seen().includes(id)), `all ${ids.length} probes to reach ${peers.map((p) => p.name).join(' or ')}`);
  assert.deepEqual(seen().sort(), [...ids].sort(), 'a probe reached more than one connection');
}

/**
 * A server started for the describe block, with a user, Alice, online to send messages to the
 * component domain; the component connections the tests open are left and the server disposed
 * of afterwards.
 */
function serverWithUser(start: () => Promise<PeersServer>) {
  let server: PeersServer | undefined;
  let alice: Client | undefined;
  const peers: ComponentPeer[] = [];
  before(async () => {
    server = await start();
    server.register('alice', 'alice-password');
    alice = await connectUser({ service: server.c2sService, domain: USER_DOMAIN, username: 'alice', password: 'alice-password', resource: 'desk' });
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.leave()));
    if (alice) await disconnect(alice);
    await server?.dispose();
  });
  return {
    server: () => server!,
    probe: (count: number) => sendProbes(alice!, count),
    /** Opens a component connection as DOMAIN (accepted or refused: see its `online` and `streamError`). */
    join: async (name: string): Promise<ComponentPeer> => {
      const peer = await ComponentPeer.join(name, { service: server!.componentService, domain: DOMAIN, password: SECRET });
      peers.push(peer);
      return peer;
    },
  };
}

/** Prosody's config template with `line` added to the component's section (the last of the file). */
function prosodyTemplateWith(line: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-prosody-template-'));
  const path = join(dir, 'prosody.cfg.lua');
  writeFileSync(path, `${readFileSync(PROSODY_TEMPLATE, 'utf8')}\t${line}\n`);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Prosody's log line once it has dropped a component connection (mod_component's listener.ondisconnect). */
const PROSODY_DISCONNECTED = /component disconnected: push\.localhost/;
/** ejabberd's debug line once a connection's route for the domain is gone (ejabberd_router). */
const EJABBERD_ROUTE_GONE = /Route unregistered: push\.localhost/;

describe('Prosody 0.12 with two connections for one component domain', () => {
  const env = serverWithUser(() => ProsodyServer.start(SECRET));
  let first: ComponentPeer;

  test('the second connection is refused with a conflict stream error, and the first keeps the domain', async () => {
    first = await env.join('first');
    assert.equal(first.online, true);
    const second = await env.join('second');
    assert.deepEqual(second.streamError, { condition: 'conflict', text: 'Component already connected' });
    await eventually(() => second.closed, 'Prosody to close the second connection');
    await eachReachedOne([first, second], await env.probe(FEW_PROBES));
    assert.deepEqual(second.received, []);
    assert.equal(first.online, true);
    assert.equal(first.streamError, undefined);
  });

  test('once the first connection is killed, Prosody accepts a new one as soon as it has seen the socket close', async (t) => {
    const since = env.server().mark();
    const killedAt = Date.now();
    first.kill();
    await env.server().waitForLog(PROSODY_DISCONNECTED, since);
    t.diagnostic(`Prosody logged the disconnection ${Date.now() - killedAt} ms after the kill`);
    const next = await env.join('next');
    assert.equal(next.online, true, `refused: ${JSON.stringify(next.streamError)}`);
    await eachReachedOne([next], await env.probe(FEW_PROBES));
  });
});

describe('Prosody 0.12 with component_conflict_resolve = "kick_old"', () => {
  const template = prosodyTemplateWith('component_conflict_resolve = "kick_old"');
  after(() => template.remove());
  const env = serverWithUser(() => ProsodyServer.start(SECRET, template.path));

  test('the second connection is accepted and the first is closed with a conflict stream error', async () => {
    const first = await env.join('first');
    assert.equal(first.online, true);
    const second = await env.join('second');
    assert.equal(second.online, true, `refused: ${JSON.stringify(second.streamError)}`);
    await eventually(() => first.closed, 'Prosody to close the first connection');
    assert.deepEqual(first.streamError, { condition: 'conflict', text: 'Replaced by a new connection' });
    await eachReachedOne([first, second], await env.probe(FEW_PROBES));
    assert.deepEqual(first.received, []);
  });
});

describe('ejabberd 23.01 with two connections for one component domain', () => {
  const env = serverWithUser(() => EjabberdServer.start(SECRET, { logLevel: 'debug' }));
  let first: ComponentPeer;
  let second: ComponentPeer;

  test('the second connection is accepted and the first stays connected', async () => {
    first = await env.join('first');
    second = await env.join('second');
    assert.equal(first.online, true);
    assert.equal(second.online, true, `refused: ${JSON.stringify(second.streamError)}`);
    assert.equal(first.streamError, undefined);
  });

  test('each message to the domain goes to one of the two connections, picked at random', async (t) => {
    await eachReachedOne([first, second], await env.probe(SPREAD_PROBES));
    t.diagnostic(`of ${SPREAD_PROBES} probes, the first got ${first.received.length}, the second ${second.received.length}`);
    assert.notEqual(first.received.length, 0, 'the second got every probe');
    assert.notEqual(second.received.length, 0, 'the first got every probe');
    assert.equal(first.online && second.online, true);
  });

  test('once the first connection is killed, every message goes to the second as soon as ejabberd has seen the socket close', async (t) => {
    const since = env.server().mark();
    const killedAt = Date.now();
    first.kill();
    await env.server().waitForLog(EJABBERD_ROUTE_GONE, since);
    t.diagnostic(`ejabberd unregistered the route ${Date.now() - killedAt} ms after the kill`);
    const before = first.received.length;
    await eachReachedOne([first, second], await env.probe(SPREAD_PROBES));
    assert.equal(first.received.length, before);
    assert.equal(second.online, true);
  });
});
