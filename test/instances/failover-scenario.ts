/**
 * Issue 11's deployment, as one scenario each real XMPP server runs (failover-*.test.ts): two
 * `herald start` processes on one PostgreSQL, joined to the server as its XEP-0114 component as
 * `component.instances` says for that server (docs/several-instances.md), both serving the REST
 * API behind a real HAProxy. Under load through both paths (users' messages pushed via the
 * component link, notifications POSTed through HAProxy), the instance that holds a link is
 * killed with SIGKILL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Client } from '@xmpp/client';
import { eventually } from '../support/eventually.js';
import { componentJoined as joined } from '../support/herald-process.js';
import { postgresDatabase } from '../support/postgres-server.js';
import type { RealServer } from '../interop/push-scenarios.js';
import { connectUser, createPushNode, discoInfo, disconnect, enablePush, sendChat } from '../interop/xmpp-clients.js';
import { startDeployment } from './deployment.js';
import { assertRestVerdict, DEPLOYMENT_IDEMPOTENCY, restLoad, type Answered } from './rest-load.js';

const SECRET = 'failover-component-secret';
/** Users with a device each, offline: every message to them is pushed through the component. */
const USERS = 6;
/** Messages per round, one to each user; rounds go on until the kill has happened and `ROUNDS_AFTER_KILL` more were sent. */
const ROUNDS_AFTER_KILL = 5;
/** The kill comes once this many pushes came through the component and this many REST answers came. */
const KILL_AFTER_PUSHES = 30;
const KILL_AFTER_ANSWERS = 150;
const REST_REQUESTS = 600;
const REST_CONCURRENCY = 16;
/** ms for the survivor to serve what the dead instance served: "within seconds". */
const TAKEOVER_MS = 20_000;

const deviceOf = (i: number) => `d${i}`.padEnd(64, 'e');
const userOf = (i: number) => `user${i}`;

export interface FailoverServer<S extends RealServer> {
  name: string;
  start(secret: string): Promise<S>;
  componentDomain: string;
  userDomain: string;
  /** `component.instances` for this server. */
  instances: 'all_join' | 'one_holds_the_link';
}

export function failoverScenario<S extends RealServer>(b: FailoverServer<S>): void {
  const COMPONENT_DOMAIN = b.componentDomain;
  const USER_DOMAIN = b.userDomain;
  test(`two instances on one PostgreSQL, joined to ${b.name} (${b.instances}) and behind HAProxy: the one holding a link killed -9 under load, the other serves both paths within seconds, every acknowledged node is kept, no device gets a push twice for one message, every 200 was pushed`, { timeout: 300_000 }, async (t) => {
    const db = await postgresDatabase();
    t.after(() => db.close());
    const server = await b.start(SECRET);
    t.after(() => server.dispose());
    const d = await startDeployment({
      instances: 2,
      // One key, as a deployment has: the instances share its token through PostgreSQL.
      keys: 'shared',
      toml: {
        postgres: db.url,
        rest: { ...DEPLOYMENT_IDEMPOTENCY.rest },
        apns: { ...DEPLOYMENT_IDEMPOTENCY.apns },
        component: { service: server.componentService, password: SECRET },
        componentKeys: { instances: JSON.stringify(b.instances), leadership: '{ poll_ms = 200 }' },
      },
    });
    t.after(() => d.close());
    const linked = b.instances === 'all_join' ? 2 : 1;
    await eventually(() => d.heralds.filter(joined).length === linked, `${linked} instance(s) joined ${b.name}`, 20_000);
    // The victim holds a link (on Prosody: the leader); the survivor must take over its work.
    const victim = d.heralds.find(joined)!;
    const survivor = d.heralds.find((h) => h !== victim)!;

    const login = async (username: string): Promise<Client> => {
      server.register(username, `${username}-pw`);
      return connectUser({ service: server.c2sService, domain: USER_DOMAIN, username, password: `${username}-pw`, resource: 'phone' });
    };
    /** Registers `i`'s device: a node created on Herald (through either instance), push enabled on ejabberd; then offline. */
    const acknowledged: string[] = [];
    const registerDevice = async (i: number) => {
      const user = await login(userOf(i));
      try {
        const node = `node-${i}`;
        assert.equal((await createPushNode(user, COMPONENT_DOMAIN, node)).attrs.type, 'result');
        acknowledged.push(node);
        assert.equal((await enablePush(user, COMPONENT_DOMAIN, node, deviceOf(i))).attrs.type, 'result');
      } finally {
        await disconnect(user);
      }
    };
    for (let i = 0; i < USERS; i++) await registerDevice(i);
    const romeo = await login('romeo');
    t.after(() => disconnect(romeo));

    const sent = new Map<string, number>();
    const pushesTo = (device: string) => d.apns.sim.received.filter((r) => r.token === device).length;
    const componentPushes = () => d.apns.sim.received.filter((r) => r.token.startsWith('d')).length;
    const send = async (i: number) => {
      sent.set(deviceOf(i), (sent.get(deviceOf(i)) ?? 0) + 1);
      await sendChat(romeo, `${userOf(i)}@${USER_DOMAIN}`, `message ${sent.get(deviceOf(i))}`);
    };

    const answers = new Map<string, Answered>();
    let killIssued = false;
    const killed = eventually(
      () => componentPushes() >= KILL_AFTER_PUSHES && answers.size >= KILL_AFTER_ANSWERS && d.served().size === 2,
      'both paths under load, and both instances serving REST',
      60_000,
    ).then(async () => {
      killIssued = true;
      await victim.kill9();
    });
    const rest = restLoad(d.post, { requests: REST_REQUESTS, concurrency: REST_CONCURRENCY, killIssued: () => killIssued }, answers);
    // Devices keep registering under load, through either instance, until the kill is past: every
    // one acknowledged must be kept (one whose request died with the victim was not acknowledged).
    let registering = USERS + 1;
    const registrations = (async () => {
      while (!killIssued || registering < USERS + 4) await registerDevice(registering++).catch(() => undefined);
    })();
    let roundsAfterKill = 0;
    while (roundsAfterKill < ROUNDS_AFTER_KILL) {
      for (let i = 0; i < USERS; i++) await send(i);
      await discoInfo(romeo, COMPONENT_DOMAIN).catch(() => undefined); // paces the rounds by a round trip (lost with the victim: fine)
      if (killIssued) roundsAfterKill++;
    }
    await Promise.all([killed, rest, registrations]);

    // The survivor serves a user registered after the kill, and every earlier user's next message.
    await eventually(
      async () => {
        try {
          await registerDevice(USERS);
          return true;
        } catch {
          return false; // a create routed to the dead link before ejabberd dropped it
        }
      },
      'a device registered after the kill',
      TAKEOVER_MS,
      200,
    );
    const base = new Map(Array.from({ length: USERS + 1 }, (_, i) => [deviceOf(i), pushesTo(deviceOf(i))]));
    for (let i = 0; i <= USERS; i++) await send(i);
    await eventually(() => [...base].every(([device, n]) => pushesTo(device) > n), 'every user pushed after the kill', TAKEOVER_MS);

    assert.equal(survivor.child.exitCode, null, 'the survivor still runs');
    assert.ok(joined(survivor), 'the survivor holds a link to the server');
    const stored = await nodesIn(db.url);
    assert.deepEqual(acknowledged.filter((node) => !stored.includes(node)), [], 'every acknowledged node is still stored');
    const twice = [...sent].filter(([device, n]) => pushesTo(device) > n);
    assert.deepEqual(twice, [], 'no device got more pushes than messages sent to its user');
    const verdict = assertRestVerdict(answers, d.apns.sim.received.map((r) => r.token).filter((tok) => !tok.startsWith('d')), REST_CONCURRENCY, d.context);
    t.diagnostic(`component: ${[...sent].map(([device, n]) => `${pushesTo(device)}/${n}`).join(' ')} pushed/sent; REST: ${verdict}`);
  });
}

async function nodesIn(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ node: string }>('SELECT node FROM app_server_nodes')).rows.map((r) => r.node);
  } finally {
    await client.end();
  }
}
