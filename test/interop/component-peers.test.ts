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
 *   each stanza goes to one route picked by a hash of the current time, i.e. at random; with
 *   `domain_balancing` {type, component_number} by a hash of the chosen JID over fixed slots.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Client } from '@xmpp/client';
import xml from '@xmpp/xml';
import { ComponentPeer } from './component-peer.js';
import { connectUser, disconnect } from './xmpp-clients.js';
import type { RealServer } from './push-scenarios.js';
import { CONFIG_TEMPLATE as PROSODY_TEMPLATE, ProsodyServer } from './prosody/prosody-server.js';
import { CONFIG_TEMPLATE as EJABBERD_TEMPLATE, EjabberdServer } from './ejabberd/ejabberd-server.js';
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
 * A server started for the describe block, with users (Alice unless told) online to send
 * messages to the component domain; the component connections the tests open are left and the server disposed
 * of afterwards.
 */
function serverWithUsers(start: () => Promise<PeersServer>, usernames: readonly string[] = ['alice']) {
  let server: PeersServer | undefined;
  const users = new Map<string, Client>();
  const peers: ComponentPeer[] = [];
  before(async () => {
    server = await start();
    for (const username of usernames) {
      const password = `${username}-password`;
      server.register(username, password);
      users.set(username, await connectUser({ service: server.c2sService, domain: USER_DOMAIN, username, password, resource: 'desk' }));
    }
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.leave()));
    await Promise.all([...users.values()].map(disconnect));
    await server?.dispose();
  });
  return {
    /** `count` messages from `username` (the first user by default) to the component domain; their ids. */
    probe: (count: number, username = usernames[0]!) => sendProbes(users.get(username)!, count),
    mark: () => server!.mark(),
    waitForLog: (pattern: RegExp, since: number) => server!.waitForLog(pattern, since),
    /** Kills `peer` and waits until the server logs `noticed`; the test's output says how long that took. */
    kill: async (peer: ComponentPeer, noticed: RegExp, t: TestContext): Promise<void> => {
      const since = server!.mark();
      const killedAt = Date.now();
      peer.kill();
      await server!.waitForLog(noticed, since);
      t.diagnostic(`the server logged ${noticed.source} ${Date.now() - killedAt} ms after ${peer.name} was killed`);
    },
    /** Opens a component connection as DOMAIN (accepted or refused: see its `online` and `streamError`). */
    join: async (name: string): Promise<ComponentPeer> => {
      const peer = await ComponentPeer.join(name, { service: server!.componentService, domain: DOMAIN, password: SECRET });
      peers.push(peer);
      return peer;
    },
  };
}

/** A copy of a server's config template with `text` added at its end; removed by `remove()`. */
function templateWith(template: string, text: string): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-peers-template-'));
  const path = join(dir, basename(template));
  writeFileSync(path, `${readFileSync(template, 'utf8')}${text}`);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Prosody's log line once it has dropped a component connection (mod_component's listener.ondisconnect). */
const PROSODY_DISCONNECTED = /component disconnected: push\.localhost/;
/** ejabberd's debug line once a connection's route for the domain is gone (ejabberd_router). */
const EJABBERD_ROUTE_GONE = /Route unregistered: push\.localhost/;

describe('Prosody 0.12 with two connections for one component domain', () => {
  const env = serverWithUsers(() => ProsodyServer.start(SECRET));
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
    await env.kill(first, PROSODY_DISCONNECTED, t);
    const next = await env.join('next');
    assert.equal(next.online, true, `refused: ${JSON.stringify(next.streamError)}`);
    await eachReachedOne([next], await env.probe(FEW_PROBES));
  });
});

describe('Prosody 0.12 with component_conflict_resolve = "kick_old"', () => {
  // The template ends in the component's section.
  const template = templateWith(PROSODY_TEMPLATE, '\tcomponent_conflict_resolve = "kick_old"\n');
  after(() => template.remove());
  const env = serverWithUsers(() => ProsodyServer.start(SECRET, template.path));

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
  const env = serverWithUsers(() => EjabberdServer.start(SECRET, { logLevel: 'debug' }));
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
    await env.kill(first, EJABBERD_ROUTE_GONE, t);
    const before = first.received.length;
    await eachReachedOne([first, second], await env.probe(SPREAD_PROBES));
    assert.equal(first.received.length, before);
    assert.equal(second.online, true);
  });
});

/** ejabberd.yml's `domain_balancing` for the component domain, added to the template's end. */
function ejabberdBalancing(options: string): ReturnType<typeof templateWith> {
  return templateWith(EJABBERD_TEMPLATE, `domain_balancing:\n  ${DOMAIN}:\n${options}`);
}

describe('ejabberd 23.01 with domain_balancing type bare_source and component_number 2', () => {
  const template = ejabberdBalancing('    type: bare_source\n    component_number: 2\n');
  after(() => template.remove());
  const env = serverWithUsers(() => EjabberdServer.start(SECRET, { template: template.path, logLevel: 'debug' }), ['alice', 'bob']);
  let peers: ComponentPeer[];

  /** The one connection all of `user`'s new messages reached. */
  async function reachedBy(user: string, among: ComponentPeer[], t: TestContext): Promise<ComponentPeer> {
    const ids = await env.probe(SPREAD_PROBES, user);
    await eachReachedOne(among, ids);
    const reached = among.filter((p) => p.received.some((id) => ids.includes(id)));
    assert.equal(reached.length, 1, `${user}'s messages went to ${reached.map((p) => p.name).join(' and ')}`);
    t.diagnostic(`${user}'s messages all went to ${reached[0]!.name}`);
    return reached[0]!;
  }

  test("all of one user's messages go to the same one of the two connections", async (t) => {
    peers = [await env.join('first'), await env.join('second')];
    assert.equal(peers.every((p) => p.online), true);
    await reachedBy('alice', peers, t);
    await reachedBy('bob', peers, t);
  });

  test("once the connection a user's messages go to is killed, a new connection takes its place and gets that user's messages", async (t) => {
    const alices = await reachedBy('alice', peers, t);
    await env.kill(alices, EJABBERD_ROUTE_GONE, t);
    const survivor = peers.find((p) => p !== alices)!;
    const next = await env.join('next');
    assert.equal(next.online, true);
    assert.equal(await reachedBy('alice', [survivor, next], t), next);
  });
});

describe('ejabberd 23.01 with domain_balancing type bare_source and no component_number', () => {
  const template = ejabberdBalancing('    type: bare_source\n');
  after(() => template.remove());
  const env = serverWithUsers(() => EjabberdServer.start(SECRET, { template: template.path }));

  test('the handshake of a component connection is never answered: its process crashes on the missing component_number', async () => {
    const since = env.mark();
    await assert.rejects(env.join('first'));
    await env.waitForLog(/badkey,component_number/, since);
  });
});
