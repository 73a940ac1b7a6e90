/**
 * `component.instances = "one_holds_the_link"` on a real Prosody 0.12 (which refuses a second
 * link for a domain with `conflict`) and a real PostgreSQL: of several instances of one domain,
 * the one holding the domain's advisory lock joins and serves the users, the others stand by;
 * when the leader's lock session ends it leaves the server at once (fencing), and a standby
 * joins and serves within its poll period.
 */
import { after, before, beforeEach, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@xmpp/client';
import pg from 'pg';
import { sampleValue } from '../../e2e/rest-session.js';
import { eventually } from '../../support/eventually.js';
import { postgresDatabase, type PostgresDatabase } from '../../support/postgres-server.js';
import { LOCK_APPLICATION_NAME } from '../../../src/component/index.js';
import { connectUser, disconnect, discoInfo } from '../xmpp-clients.js';
import { LeadingInstance } from './leading-instance.js';
import { COMPONENT_DOMAIN, CONFIG_TEMPLATE, ProsodyServer, USER_DOMAIN } from './prosody-server.js';

const SECRET = 'leadership-component-secret';
/** A second component domain of the same Prosody, with its own leadership. */
const OTHER_DOMAIN = 'push2.localhost';
/** Short, so a takeover is quick; the default (1000) only makes the waits longer. */
const POLL_MS = 100;
/** ms for a takeover: the poll period, the old link leaving, the new handshake (and a `conflict` retry on a loaded machine). */
const TAKEOVER_TIMEOUT_MS = 15_000;

let prosody: ProsodyServer;
let templateDir: string;
let alice: Client;

before(async () => {
  // The suite's Prosody config, with a second component domain.
  templateDir = mkdtempSync(join(tmpdir(), 'herald-leadership-cfg-'));
  const template = join(templateDir, 'prosody.cfg.lua');
  writeFileSync(template, `${readFileSync(CONFIG_TEMPLATE, 'utf8')}\nComponent "${OTHER_DOMAIN}"\n\tcomponent_secret = "{{COMPONENT_SECRET}}"\n`);
  prosody = await ProsodyServer.start(SECRET, template);
  prosody.register('alice', 'alice-pw');
  alice = await connectUser({ service: prosody.c2sService, domain: USER_DOMAIN, username: 'alice', password: 'alice-pw', resource: 'desk' });
});

after(async () => {
  await disconnect(alice);
  await prosody.dispose();
  rmSync(templateDir, { recursive: true, force: true });
});

let database: PostgresDatabase;
const instances: LeadingInstance[] = [];

beforeEach(async () => {
  database = await postgresDatabase();
});

afterEach(async () => {
  for (const instance of instances.splice(0)) await instance.close();
  await database.close();
});

async function startInstance(name: string, domain = COMPONENT_DOMAIN): Promise<LeadingInstance> {
  const instance = await LeadingInstance.start({ name, service: prosody.componentService, secret: SECRET, domain, postgresUrl: database.url, pollMs: POLL_MS });
  instances.push(instance);
  return instance;
}

/** Waits until exactly one of `instances` leads with its link online, and returns it. */
async function theOneOnline(of: readonly LeadingInstance[], timeoutMs?: number): Promise<LeadingInstance> {
  await eventually(() => of.filter((i) => i.online).length === 1, `one of ${of.map((i) => i.name).join(', ')} to be online`, timeoutMs);
  const leaders = of.filter((i) => i.leads);
  assert.deepEqual(leaders.map((i) => i.name), of.filter((i) => i.online).map((i) => i.name), 'the online link is not the only leader\'s');
  return leaders[0]!;
}

/** Alice's disco#info to `domain` is answered by Herald, through `instance`'s link. */
async function servedBy(instance: LeadingInstance, domain = COMPONENT_DOMAIN): Promise<void> {
  const link = instance.link!;
  const before = link.stats.received;
  const answer = await discoInfo(alice, domain);
  assert.equal(answer.attrs.type, 'result', `${domain} answered ${answer.toString()}`);
  assert.equal(answer.getChild('query')?.getChild('identity')?.attrs.type, 'push');
  assert.ok(link.stats.received > before, `the request did not come through ${instance.name}'s link`);
}

/** `text` run on a superuser connection of its own. */
async function asSuperuser<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    return (await admin.query<R>(text)).rows;
  } finally {
    await admin.end();
  }
}

/** Ends the sessions (`pid`s) that `sessions` selects; how many. */
async function terminateSessions(sessions: string): Promise<number> {
  const rows = await asSuperuser<{ terminated: boolean }>(`SELECT pg_terminate_backend(pid) AS terminated FROM (${sessions}) AS chosen`);
  assert.ok(rows.every((r) => r.terminated));
  return rows.length;
}

/** The session holding this database's advisory lock: the leader's. */
const LOCK_HOLDER = `SELECT pid FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
/** Every instance's lock session, the leader's and the standbys'. */
const LOCK_SESSIONS = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = '${LOCK_APPLICATION_NAME}'`;

describe('several instances of one component domain on Prosody', () => {
  test('of two instances exactly one joins, and the users\' requests reach it', async () => {
    const pair = [await startInstance('first'), await startInstance('second')];
    const leader = await theOneOnline(pair);
    await servedBy(leader);
    const standby = pair.find((i) => i !== leader)!;
    assert.equal(standby.joined.leadership.state, 'standby');
    assert.equal(standby.link, undefined, 'the standby holds a link');
  });

  test('when the leader\'s lock session is terminated it leaves Prosody at once and the standby joins and serves', async () => {
    const pair = [await startInstance('first'), await startInstance('second')];
    const leader = await theOneOnline(pair);
    const oldLink = leader.link!;
    const standby = pair.find((i) => i !== leader)!;

    assert.equal(await terminateSessions(LOCK_HOLDER), 1, 'one lock session to terminate');
    await eventually(() => oldLink.state === 'stopped', 'the old leader to close its link');
    assert.equal(leader.leads, false);
    assert.equal(await theOneOnline(pair, TAKEOVER_TIMEOUT_MS), standby);
    await servedBy(standby);
    // The old leader stands by again: the lock is the new leader's.
    assert.equal(leader.joined.leadership.state, 'standby');
  });

  test('when PostgreSQL ends every lock session, the instances connect again and one of them joins and serves', async () => {
    const pair = [await startInstance('first'), await startInstance('second')];
    const leader = await theOneOnline(pair);
    const oldLink = leader.link!;
    await eventually(async () => (await asSuperuser(LOCK_SESSIONS)).length === 2, 'both instances to have a lock session');
    assert.equal(await terminateSessions(LOCK_SESSIONS), 2);
    await eventually(() => oldLink.state === 'stopped', 'the old leader to close its link');
    await servedBy(await theOneOnline(pair, TAKEOVER_TIMEOUT_MS));
  });

  test('when the leader stops cleanly the standby joins and serves', async () => {
    const pair = [await startInstance('first'), await startInstance('second')];
    const leader = await theOneOnline(pair);
    const standby = pair.find((i) => i !== leader)!;

    await leader.close();
    instances.splice(instances.indexOf(leader), 1);
    assert.equal(await theOneOnline([standby], TAKEOVER_TIMEOUT_MS), standby);
    await servedBy(standby);
  });

  test('a standby is healthy, and /metrics says which instance holds the link', async () => {
    const pair = [await startInstance('first'), await startInstance('second')];
    const leader = await theOneOnline(pair);
    for (const instance of pair) {
      const session = instance.restSession();
      try {
        // The APNS simulator's connection opens in the background: healthy once it is up.
        await eventually(async () => (await session.request('GET', '/healthcheck')).status === 200, `${instance.name}'s /healthcheck to answer 200`);
        const metrics = (await session.request('GET', '/metrics')).body;
        assert.equal(sampleValue(metrics, 'herald_component_link_held'), instance === leader ? 1 : 0, `${instance.name}: ${metrics}`);
      } finally {
        session.close();
      }
    }
  });

  test('instances of two different domains both lead, each serving its own domain', async () => {
    const one = await startInstance('push', COMPONENT_DOMAIN);
    const other = await startInstance('push2', OTHER_DOMAIN);
    await theOneOnline([one]);
    await theOneOnline([other]);
    await servedBy(one, COMPONENT_DOMAIN);
    await servedBy(other, OTHER_DOMAIN);
  });
});
