import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RegistrationStore } from '../../src/xmpp-server/registration-store.js';
import type { Registration } from '../../src/xmpp-server/registration.js';
import { Harness, assertStanzaError, disableIq, enableIq, type RoleHarness } from './harness.js';
import { postgresHarness } from './shared-store-instances.js';
import { eventually } from '../support/eventually.js';

const ROMEO = 'romeo@example.com';
const OPTIONS = { service: 'apns', device_id: 'TOKEN1', topic: 'com.example.app' };

/** The same suite on each backend's role. */
const BACKENDS: Array<[string, (xmppServer: Record<string, unknown>) => Promise<RoleHarness>]> = [
  ['LMDB', async (xmppServer) => new Harness({ xmppServer })],
  ['PostgreSQL', postgresHarness],
];

for (const [backend, start] of BACKENDS) describe(`enable and disable on ${backend}`, () => {
  let h: RoleHarness;
  before(async () => {
    h = await start({ max_registrations_per_user: 3 });
  });
  after(() => h.dispose());

  test('an enable stores a registration keyed by user, pubsub JID and node', async () => {
    const reply = await h.role.handleIq(enableIq(ROMEO, 'Push.Example.net', 'node-a', OPTIONS, 'x43'));
    assert.equal(reply.attrs.type, 'result');
    assert.equal(reply.attrs.id, 'x43');
    assert.equal(reply.attrs.to, `${ROMEO}/phone`);
    const [registration, ...others] = await h.role.registrations(ROMEO);
    assert.equal(others.length, 0);
    assert.equal(registration!.pubsubJid, 'push.example.net'); // the domain is normalised
    assert.equal(registration!.node, 'node-a');
    assert.deepEqual(registration!.publishOptions, OPTIONS);
  });

  test('an enable without a form stores empty publish-options', async () => {
    await h.enable('nurse@example.com', 'push.example.net', 'n');
    assert.deepEqual((await h.role.registrations('nurse@example.com'))[0]!.publishOptions, {});
  });

  test('re-enabling the same key replaces its publish-options', async () => {
    await h.enable(ROMEO, 'push.example.net', 'node-a', { service: 'fcm', device_id: 'TOKEN2' });
    const registrations = await h.role.registrations(ROMEO);
    assert.equal(registrations.length, 1);
    assert.deepEqual(registrations[0]!.publishOptions, { service: 'fcm', device_id: 'TOKEN2' });
  });

  test('disable with a node removes that registration only', async () => {
    await h.enable(ROMEO, 'push.example.net', 'node-b', OPTIONS);
    const reply = await h.role.handleIq(disableIq(ROMEO, 'push.example.net', 'node-a'));
    assert.equal(reply.attrs.type, 'result');
    assert.deepEqual(
      (await h.role.registrations(ROMEO)).map((r) => r.node),
      ['node-b'],
    );
  });

  test('disable without a node removes every registration on that pubsub JID and no other', async () => {
    await h.enable(ROMEO, 'push.example.net', 'node-c', OPTIONS);
    await h.enable(ROMEO, 'other.example.org', 'node-x', OPTIONS);
    await h.enable('tybalt@example.com', 'push.example.net', 'node-t', OPTIONS);
    const reply = await h.role.handleIq(disableIq(ROMEO, 'push.example.net'));
    assert.equal(reply.attrs.type, 'result');
    assert.deepEqual(
      (await h.role.registrations(ROMEO)).map((r) => `${r.pubsubJid} ${r.node}`),
      ['other.example.org node-x'],
    );
    assert.equal((await h.role.registrations('tybalt@example.com')).length, 1, "another user's registration stays");
  });

  test('disabling nothing still answers a result', async () => {
    const reply = await h.role.handleIq(disableIq('nobody@example.com', 'push.example.net', 'missing'));
    assert.equal(reply.attrs.type, 'result');
    const all = await h.role.handleIq(disableIq('nobody@example.com', 'push.example.net'));
    assert.equal(all.attrs.type, 'result');
  });

  test('an enable beyond the per-account limit is cancel/policy-violation', async () => {
    const user = 'mercutio@example.com';
    for (const node of ['1', '2', '3']) await h.enable(user, 'push.example.net', node);
    assertStanzaError(await h.role.handleIq(enableIq(user, 'push.example.net', '4')), 'cancel', 'policy-violation');
    // Re-enabling an existing key is a replacement, not a new registration.
    await h.enable(user, 'push.example.net', '3', { device_id: 'new' });
    assert.equal((await h.role.registrations(user)).length, 3);
  });

  test('the account disco#info features include urn:xmpp:push:0', () => {
    assert.ok(h.role.discoFeatures().includes('urn:xmpp:push:0'));
  });
});

/** Holds each put's durability until the test opens the gate. */
class GatedStore extends RegistrationStore {
  gate: Promise<void> = Promise.resolve();
  /** Writes committed; each waits at the gate before it counts as durable. */
  written = 0;
  durable = 0;
  override async put(user: string, registration: Registration): Promise<void> {
    await super.put(user, registration);
    this.written++;
    await this.gate;
    this.durable++;
  }
}

test('the enable result is sent only after the registration is durable', async () => {
  let store!: GatedStore;
  const h = new Harness({ registrationStore: (s) => (store = new GatedStore(s)) });
  try {
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    let replied = false;
    const reply = h.role.handleIq(enableIq(ROMEO, 'push.example.net', 'n', OPTIONS)).then((r) => {
      replied = true;
      return r;
    });
    await eventually(() => store.written === 1, 'the write committed, its durability held back by the gate');
    assert.equal(replied, false, 'no result while the write is not durable');
    open();
    assert.equal((await reply).attrs.type, 'result');
    assert.equal(store.durable, 1);
  } finally {
    await h.dispose();
  }
});
