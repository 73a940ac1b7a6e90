/**
 * The embedding API takes Elements a host built as well as text. Whatever their shape (any depth,
 * a cycle, a long chain of parents, any width), Herald checks them without recursion before
 * anything walks them: an IQ get/set over a limit is answered modify/policy-violation, anything
 * else is refused with a stable code, and a normal publish is served after each.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import xml, { type Element } from '@xmpp/xml';
import { isHeraldError } from '../../../src/core/errors.js';
import { DOMAIN, EmbeddedRig, errorOf, freshId, OWNER } from './harness.js';

let rig: EmbeddedRig;
before(async () => {
  rig = await EmbeddedRig.start();
});
after(async () => {
  await rig.close();
});

const discoIq = (id: string): Element =>
  xml('iq', { type: 'get', id, from: OWNER, to: DOMAIN }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }));

/** `levels` elements below `top`, built in a loop. */
function deepen(top: Element, levels: number): Element {
  let cursor = top;
  for (let i = 0; i < levels; i++) cursor = cursor.c('a');
  return top;
}

async function answeredPolicyViolation(stanza: Element): Promise<void> {
  const id = stanza.attrs.id as string;
  await rig.herald.handleStanza(stanza);
  const answer = await rig.routedFor(id);
  assert.equal(answer.attrs.type, 'error');
  assert.equal(errorOf(answer), 'modify/policy-violation');
  await rig.publishServed();
}

test('a host-built IQ 100 000 levels deep is answered modify/policy-violation', async () => {
  await answeredPolicyViolation(deepen(discoIq(freshId()), 100_000));
});

test('a host-built IQ whose element contains itself (a cycle) is answered modify/policy-violation', async () => {
  const iq = discoIq(freshId());
  const query = iq.getChild('query')!;
  query.children.push(query);
  await answeredPolicyViolation(iq);
});

test('a host-built IQ attached under 100 000 ancestors is answered modify/policy-violation', async () => {
  const iq = discoIq(freshId());
  let parent = xml('root');
  for (let i = 0; i < 100_000; i++) parent = parent.c('a');
  iq.parent = parent;
  await answeredPolicyViolation(iq);
});

test('a host-built IQ with 100 000 children, more than max_stanza_bytes can hold, is answered modify/policy-violation', async () => {
  const iq = discoIq(freshId());
  const query = iq.getChild('query')!;
  for (let i = 0; i < 100_000; i++) query.c('a');
  await answeredPolicyViolation(iq);
});

test('a host-built IQ at the depth limit is answered with its result', async () => {
  const iq = discoIq(freshId());
  deepen(iq.getChild('query')!, 31);
  await rig.herald.handleStanza(iq);
  assert.equal((await rig.routedFor(iq.attrs.id as string)).attrs.type, 'result');
});

test('a host-built message 100 000 levels deep is refused with HERALD_STANZA_TOO_DEEP, by handleStanza and by messageToUser', async () => {
  const message = deepen(xml('message', { from: 'bob@localhost/x', to: 'alice@localhost', id: freshId() }), 100_000);
  await assert.rejects(rig.herald.handleStanza(message), (e: unknown) => isHeraldError(e, 'HERALD_STANZA_TOO_DEEP'));
  assert.throws(() => rig.herald.messageToUser(message), (e: unknown) => isHeraldError(e, 'HERALD_STANZA_TOO_DEEP'));
  await rig.publishServed();
});

test('a message text over the limits is refused by messageToUser with the code of the limit', async () => {
  const deep = `<message from='bob@localhost/x' to='alice@localhost'>${'<a>'.repeat(3_000)}${'</a>'.repeat(3_000)}</message>`;
  assert.throws(() => rig.herald.messageToUser(deep), (e: unknown) => isHeraldError(e, 'HERALD_STANZA_TOO_DEEP'));
  const large = `<message from='bob@localhost/x' to='alice@localhost'><body>${'x'.repeat(70_000)}</body></message>`;
  assert.throws(() => rig.herald.messageToUser(large), (e: unknown) => isHeraldError(e, 'HERALD_STANZA_TOO_LARGE'));
  assert.throws(() => rig.herald.messageToUser('<message>&foo;</message>'), (e: unknown) => isHeraldError(e, 'HERALD_XML_MALFORMED'));
  await rig.publishServed();
});

test('over-limit IQs are counted in one log line per interval, not one per stanza', async () => {
  const before = rig.logs.filter((l) => l.event === 'xmpp.stanza_refused').length;
  for (let i = 0; i < 50; i++) await answeredPolicyViolation(deepen(discoIq(freshId()), 40));
  const lines = rig.logs.filter((l) => l.event === 'xmpp.stanza_refused').length - before;
  assert.ok(lines <= 1, `${lines} log lines for 50 refused IQs`);
});
