/**
 * Acknowledged means durable (issue 11): the result of every request that changes a node comes
 * only after the store's write resolved. The store here holds its writes until the test lets
 * them through, so an answer given earlier would be seen.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import type { NodeBackend } from '../../src/app-server/node-backend.js';
import type { PushNodeRecord } from '../../src/app-server/node-record.js';
import { PushNodeStore } from '../../src/app-server/node-store.js';
import { eventually } from '../support/eventually.js';
import { forSuite } from '../support/for-suite.js';
import { affiliateIq, answerOf, ask, commandIq, configureIq, createIq, ownerIq, publishIq, registerDevice, startHarness, type Harness } from './harness.js';

/** A NodeBackend whose writes wait, while held, until `release`. */
class HeldWrites implements NodeBackend {
  private holding = false;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly inner: NodeBackend) {}

  /** Writes issued while held. */
  get held(): number {
    return this.waiting.length;
  }
  hold(): void {
    this.holding = true;
  }
  release(): void {
    this.holding = false;
    for (const write of this.waiting.splice(0)) write();
  }

  registrationKey = () => this.inner.registrationKey();
  ownerIndexFits = (owner: string, node: string) => this.inner.ownerIndexFits(owner, node);
  get = (node: string) => this.inner.get(node);
  nodesOf = (owner: string) => this.inner.nodesOf(owner);
  countOf = (owner: string, limit: number) => this.inner.countOf(owner, limit);
  createCapped = (node: string, record: PushNodeRecord, max: number) => this.after(() => this.inner.createCapped(node, record, max));
  put = (node: string, record: PushNodeRecord) => this.after(() => this.inner.put(node, record));
  replace = (node: string, expected: PushNodeRecord, next: PushNodeRecord) => this.after(() => this.inner.replace(node, expected, next));
  remove = (node: string, owner: string) => this.after(() => this.inner.remove(node, owner));
  removeIf = (node: string, expected: PushNodeRecord) => this.after(() => this.inner.removeIf(node, expected));

  private after<T>(write: () => Promise<T>): Promise<T> {
    if (!this.holding) return write();
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(write);
  }
}

const OPTIONS = { service: 'apns', device_id: 'TOKEN' };
const registerFields = (deviceId: string) => ({ token: 'ab'.repeat(32), 'device-id': deviceId });

/** Each request that writes, with what makes its node exist first. */
const WRITES: Array<{ what: string; before?: (h: Harness) => Promise<unknown>; iq: string; answer: string }> = [
  { what: 'a create', iq: createIq('created'), answer: 'result' },
  { what: 'a register command', iq: commandIq('register-push-apns', { action: 'execute', fields: registerFields('new') }), answer: 'result' },
  {
    what: 'a configure',
    before: (h) => ask(h.role, createIq('configured')),
    iq: configureIq('configured', 'open'),
    answer: 'result',
  },
  { what: 'an affiliation change', before: (h) => ask(h.role, createIq('affiliated')), iq: affiliateIq('affiliated', 'pusher@example.net', 'publisher'), answer: 'result' },
  { what: 'a delete', before: (h) => ask(h.role, createIq('deleted')), iq: ownerIq(`<delete node='deleted'/>`), answer: 'result' },
  {
    what: 'an unregister command',
    before: (h) => registerDevice(h.role, registerFields('leaving')),
    iq: commandIq('unregister-push', { action: 'execute', fields: { 'device-id': 'leaving' } }),
    answer: 'result',
  },
  {
    what: "a publish to a dead device (the publisher's affiliation ends)",
    before: async (h) => {
      await ask(h.role, createIq('dead'));
      await ask(h.role, affiliateIq('dead', 'example.com', 'publish-only'));
      h.dispatcher.answer({ ok: false, reason: 'unregistered', providerReason: 'Unregistered', status: 410 });
    },
    iq: publishIq('dead', OPTIONS),
    answer: 'cancel/not-acceptable+device-not-registered',
  },
];

describe('answers to requests that change a node', () => {
  let writes: HeldWrites;
  const h = forSuite(() => startHarness({}, (store) => ({ nodes: (writes = new HeldWrites(new PushNodeStore(store))) })));

  for (const { what, before, iq, answer } of WRITES) {
    it(`${what} is answered only once its write is durable`, async () => {
      await before?.(h);
      writes.hold();
      let answered = false;
      const reply: Promise<Element> = ask(h.role, iq).finally(() => (answered = true));
      try {
        await eventually(() => writes.held > 0, 'the write reaching the store');
        await new Promise((turn) => setImmediate(turn));
        assert.equal(answered, false, 'no answer while the write is held');
      } finally {
        writes.release();
      }
      assert.equal(answerOf(await reply), answer);
    });
  }
});
