/**
 * Two App Server instances on one PostgreSQL (issue 11): what one acknowledges the other serves
 * at once, what one removes or changes the other stops accepting once the change notice arrived,
 * and one cap per owner holds across both.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PushOutcome } from '../../src/push-service/notification.js';
import { eventually } from '../support/eventually.js';
import { forSuite } from '../support/for-suite.js';
import { answerOf, ask, commandIq, createIq, errorOf, ownerIq, publishIq, registerDevice } from './harness.js';
import { instancesOnOnePostgres, type Instance } from './shared-store-harness.js';

const MAX_NODES = 3;
const DEAD: PushOutcome = { ok: false, reason: 'unregistered', providerReason: 'Unregistered', status: 410 };

/** The token of a device numbered `n`: 64 hex characters, as APNS's. */
const token = (n: number) => n.toString(16).padStart(64, '0');

/** What the instance answers a publish from the owner's server with `secret`: `result` or the error. */
async function publishOutcome(instance: Instance, node: string, secret: string): Promise<string> {
  return answerOf(await ask(instance.role, publishIq(node, { secret })));
}

describe('two App Server instances on one PostgreSQL', () => {
  // Only the secret authorises, so a stale secret cannot pass as the owner's server.
  const shared = forSuite(() =>
    instancesOnOnePostgres(2, { app_server: { publish_authorization: ['secret'], max_nodes_per_owner: MAX_NODES } }),
  );
  const a = (): Instance => shared.instances[0]!;
  const b = (): Instance => shared.instances[1]!;

  it('a device registered through A is pushed through B with its secret at once: the registration result means it is stored', async () => {
    const reg = await registerDevice(a().role, { token: token(1), 'device-id': 'roaming' });
    assert.equal(await publishOutcome(b(), reg.node, reg.secret), 'result');
    assert.equal(b().dispatcher.sent.at(-1)?.device_id, token(1));
  });

  it('registering one device through A and through B gives one node with one secret', async () => {
    const viaA = await registerDevice(a().role, { token: token(2), 'device-id': 'twice' });
    const viaB = await registerDevice(b().role, { token: token(3), 'device-id': 'twice' });
    assert.deepEqual(viaB, viaA);
    assert.equal((await a().role.node(viaA.node))?.device?.token, token(3), 'the second registration updated the token');
  });

  it('one device registered through A and through B at the same moment gets one node with one secret', async () => {
    const fields = { token: token(7), 'device-id': 'raced' };
    const from = { from: 'rita@example.com/phone' };
    const [viaA, viaB] = await Promise.all([registerDevice(a().role, fields, from), registerDevice(b().role, fields, from)]);
    assert.deepEqual(viaB, viaA);
    assert.equal(await publishOutcome(a(), viaA.node, viaA.secret), 'result');
  });

  it('creates of one node through A and through B at the same moment make one owner: one result, one conflict', async () => {
    const [viaA, viaB] = await Promise.all([
      ask(a().role, createIq('raced', 'ann@example.com/phone')),
      ask(b().role, createIq('raced', 'bob@example.com/phone')),
    ]);
    assert.deepEqual([answerOf(viaA), answerOf(viaB)].sort(), ['cancel/conflict', 'result']);
    const owner = answerOf(viaA) === 'result' ? 'ann@example.com' : 'bob@example.com';
    assert.equal((await b().role.node('raced'))?.owner, owner);
    assert.equal((await a().role.node('raced'))?.owner, owner);
  });

  it('a device unregistered through A is item-not-found on B, whose node actor was live, once the notice arrived', async () => {
    const reg = await registerDevice(a().role, { token: token(4), 'device-id': 'leaving' });
    assert.equal(await publishOutcome(b(), reg.node, reg.secret), 'result');
    await ask(a().role, commandIq('unregister-push', { action: 'execute', fields: { 'device-id': 'leaving' } }));
    await eventually(async () => (await publishOutcome(b(), reg.node, reg.secret)) === 'cancel/item-not-found', 'B refusing the removed node');
  });

  it('a node deleted through A is item-not-found on B once the notice arrived', async () => {
    const reg = await registerDevice(a().role, { token: token(5), 'device-id': 'deleted' });
    assert.equal(await publishOutcome(b(), reg.node, reg.secret), 'result');
    assert.equal((await ask(a().role, ownerIq(`<delete node='${reg.node}'/>`))).attrs.type, 'result');
    await eventually(async () => (await publishOutcome(b(), reg.node, reg.secret)) === 'cancel/item-not-found', 'B refusing the deleted node');
  });

  it('a secret changed through A (unregistered, then registered again) is refused by B once the notice arrived; the new one passes', async () => {
    const old = await registerDevice(a().role, { token: token(6), 'device-id': 'renewed' });
    assert.equal(await publishOutcome(b(), old.node, old.secret), 'result');
    await ask(a().role, commandIq('unregister-push', { action: 'execute', fields: { 'device-id': 'renewed' } }));
    const renewed = await registerDevice(a().role, { token: token(6), 'device-id': 'renewed' });
    assert.equal(renewed.node, old.node);
    assert.notEqual(renewed.secret, old.secret);
    await eventually(async () => (await publishOutcome(b(), old.node, old.secret)) === 'auth/forbidden', 'B refusing the old secret');
    assert.equal(await publishOutcome(b(), renewed.node, renewed.secret), 'result');
  });

  it('the per-owner cap holds across A and B, one after the other and all at once', async () => {
    const one = 'capped-one@example.com/phone';
    for (const [n, instance] of [a(), b(), a()].entries()) await registerDevice(instance.role, { token: token(10 + n) }, { from: one });
    const beyond = await ask(b().role, commandIq('register-push-apns', { from: one, action: 'execute', fields: { token: token(13) } }));
    assert.equal(errorOf(beyond), 'cancel/not-allowed+max-nodes-exceeded');

    const many = 'capped-many@example.com/phone';
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        ask((n % 2 ? a() : b()).role, commandIq('register-push-fcm', { from: many, action: 'execute', fields: { token: `fcm-${n}` } })),
      ),
    );
    assert.equal(replies.filter((reply) => reply.attrs.type === 'result').length, MAX_NODES);
  });

  it("a dead device's publish through A is answered after the publisher's lost affiliation is stored: B reads it at once", async () => {
    const owner = 'dora@example.com';
    const reg = await registerDevice(a().role, { token: token(20) }, { from: `${owner}/phone` });
    assert.equal((await b().role.node(reg.node))?.affiliations['example.com'], 'publish-only');
    a().dispatcher.answer(DEAD);
    assert.equal(await publishOutcome(a(), reg.node, reg.secret), 'cancel/not-acceptable+device-not-registered');
    assert.deepEqual((await b().role.node(reg.node))?.affiliations, { [owner]: 'owner' });
  });
});
