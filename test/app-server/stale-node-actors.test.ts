/**
 * No lost update across instances (issue 11, "correct under concurrency across instances"): two
 * App Server instances on one PostgreSQL, each with a live actor for the same node, and no change
 * feeds, so A's actor still holds the record it read before B's change, as in the window before
 * a change notice arrives. Every rewrite is a compare-and-set: A's change lands on B's, never
 * over it, and a node B deleted stays deleted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeBackend } from '../../src/app-server/node-backend.js';
import { MAX_REWRITE_ATTEMPTS } from '../../src/app-server/node-actor.js';
import type { PushNodeRecord } from '../../src/app-server/node-record.js';
import { PushNodeStore } from '../../src/app-server/node-store.js';
import type { PushOutcome } from '../../src/push-service/notification.js';
import { forSuite } from '../support/for-suite.js';
import { affiliateIq, answerOf, ask, commandIq, configureIq, createIq, OWNER, ownerIq, publishIq, registerDevice, startHarness } from './harness.js';
import { instancesOnOnePostgres, type Instance } from './shared-store-harness.js';

const DEAD: PushOutcome = { ok: false, reason: 'unregistered', providerReason: 'Unregistered', status: 410 };
const FROM_OWNER = { from: `${OWNER}/phone` };
/** The affiliation B adds while A's actor holds the record from before. */
const B_PUBLISHER = 'bea@example.net';

/** The token of a device numbered `n`: 64 hex characters, as APNS's. */
const token = (n: number) => n.toString(16).padStart(64, '0');

/** A device A registered (its node and secret, and the device-id it was registered with) and A itself. */
interface Registered {
  reg: Awaited<ReturnType<typeof registerDevice>>;
  deviceId: string;
  a: Instance;
}

/** Each change A makes on its stale record: the request, its answer, and what it leaves in the record. */
const STALE_CHANGES: Array<{ what: string; iq: (on: Registered) => string; answer: string; holds: (record: PushNodeRecord) => boolean }> = [
  {
    what: 'an affiliation change',
    iq: ({ reg }) => affiliateIq(reg.node, 'pia@example.net', 'publisher'),
    answer: 'result',
    holds: (record) => record.affiliations['pia@example.net'] === 'publisher',
  },
  {
    what: 'a configure',
    iq: ({ reg }) => configureIq(reg.node, 'open'),
    answer: 'result',
    holds: (record) => record.publishModel === 'open',
  },
  {
    what: 'registering the device again with a new token',
    iq: ({ deviceId }) => commandIq('register-push-apns', { ...FROM_OWNER, action: 'execute', fields: { token: token(99), 'device-id': deviceId } }),
    answer: 'result',
    holds: (record) => record.device?.token === token(99),
  },
  {
    what: "a dead device's follow-up (the publisher's affiliation ends)",
    iq: ({ reg, a }) => {
      a.dispatcher.answer(DEAD);
      return publishIq(reg.node, { secret: reg.secret });
    },
    answer: 'cancel/not-acceptable+device-not-registered',
    holds: (record) => record.affiliations['example.com'] === undefined,
  },
];

describe('two App Server instances on one PostgreSQL, before a change notice arrives', () => {
  const shared = forSuite(() => instancesOnOnePostgres(2, { app_server: { publish_authorization: ['secret'] } }, { changeFeeds: false }));
  const a = (): Instance => shared.instances[0]!;
  const b = (): Instance => shared.instances[1]!;

  it("a secret renewed through B and an affiliation changed through A, whose actor held the old record, are both stored", async () => {
    const old = await registerDevice(a().role, { token: token(1), 'device-id': 'renewed' }, FROM_OWNER);
    await ask(b().role, commandIq('unregister-push', { ...FROM_OWNER, action: 'execute', fields: { 'device-id': 'renewed' } }));
    const renewed = await registerDevice(b().role, { token: token(1), 'device-id': 'renewed' }, FROM_OWNER);
    assert.equal(renewed.node, old.node);
    assert.notEqual(renewed.secret, old.secret);

    assert.equal(answerOf(await ask(a().role, affiliateIq(old.node, 'pia@example.net', 'publisher'))), 'result');
    const stored = await b().role.node(old.node);
    assert.equal(stored?.secret, renewed.secret, "B's secret is kept");
    assert.equal(stored?.affiliations['pia@example.net'], 'publisher', "A's affiliation is stored");
  });

  it('a node deleted through B stays deleted when A, whose actor still held it, changes an affiliation: A answers item-not-found', async () => {
    assert.equal(answerOf(await ask(a().role, createIq('doomed'))), 'result');
    assert.equal(answerOf(await ask(b().role, ownerIq(`<delete node='doomed'/>`))), 'result');
    assert.equal(answerOf(await ask(a().role, affiliateIq('doomed', 'pia@example.net', 'publisher'))), 'cancel/item-not-found');
    assert.equal(await a().role.node('doomed'), undefined);
  });

  it('a node deleted through B and created again by another owner is not deleted by its old owner through A: A answers forbidden', async () => {
    assert.equal(answerOf(await ask(a().role, createIq('reborn'))), 'result');
    assert.equal(answerOf(await ask(b().role, ownerIq(`<delete node='reborn'/>`))), 'result');
    assert.equal(answerOf(await ask(b().role, createIq('reborn', 'bob@example.com/phone'))), 'result');
    assert.equal(answerOf(await ask(a().role, ownerIq(`<delete node='reborn'/>`))), 'auth/forbidden');
    assert.equal((await a().role.node('reborn'))?.owner, 'bob@example.com');
  });

  it('a node changed through B is deleted through A, whose actor held the record from before', async () => {
    assert.equal(answerOf(await ask(a().role, createIq('changed-then-deleted'))), 'result');
    assert.equal(answerOf(await ask(b().role, affiliateIq('changed-then-deleted', B_PUBLISHER, 'publisher'))), 'result');
    assert.equal(answerOf(await ask(a().role, ownerIq(`<delete node='changed-then-deleted'/>`))), 'result');
    assert.equal(await b().role.node('changed-then-deleted'), undefined);
  });

  for (const [n, change] of STALE_CHANGES.entries()) {
    it(`${change.what} through A keeps the affiliation B added meanwhile`, async () => {
      const deviceId = `stale-${n}`;
      const reg = await registerDevice(a().role, { token: token(10 + n), 'device-id': deviceId }, FROM_OWNER);
      assert.equal(answerOf(await ask(b().role, affiliateIq(reg.node, B_PUBLISHER, 'publisher'))), 'result');
      assert.equal(answerOf(await ask(a().role, change.iq({ reg, deviceId, a: a() }))), change.answer);
      const stored = (await b().role.node(reg.node))!;
      assert.equal(stored.affiliations[B_PUBLISHER], 'publisher', "B's affiliation is kept");
      assert.ok(change.holds(stored), `A's change is stored: ${JSON.stringify(stored)}`);
    });
  }
});

describe('a node another instance writes before each of its rewrites', () => {
  it(`is answered wait/resource-constraint after ${MAX_REWRITE_ATTEMPTS} tries, and only the other writes are stored`, async () => {
    let replaces = 0;
    const h = await startHarness({}, (store) => {
      const nodes: NodeBackend = new PushNodeStore(store);
      const replace = nodes.replace.bind(nodes);
      nodes.replace = async (node, expected, next) => {
        replaces++;
        await nodes.put(node, { ...expected, affiliations: { ...expected.affiliations, [`rival-${replaces}@example.net`]: 'publisher' } });
        return replace(node, expected, next);
      };
      return { nodes };
    });
    try {
      assert.equal(answerOf(await ask(h.role, createIq('contended'))), 'result');
      assert.equal(answerOf(await ask(h.role, affiliateIq('contended', 'pia@example.net', 'publisher'))), 'wait/resource-constraint');
      assert.equal(replaces, MAX_REWRITE_ATTEMPTS);
      const stored = await h.role.node('contended');
      assert.equal(stored?.affiliations['pia@example.net'], undefined);
      assert.equal(stored?.affiliations[`rival-${MAX_REWRITE_ATTEMPTS}@example.net`], 'publisher');
    } finally {
      await h.close();
    }
  });
});
