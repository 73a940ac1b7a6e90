/**
 * RFC 6120 §8.2.3: an IQ's type is get, set, result or error. A request of another type, or of
 * none, is answered modify/bad-request, so the requester is not left waiting.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DOMAIN, EmbeddedRig, errorOf, freshId } from './harness.js';

let rig: EmbeddedRig;
before(async () => {
  rig = await EmbeddedRig.start();
});
after(async () => {
  await rig.close();
});

for (const [name, typeAttribute] of [
  ['an unknown type', " type='foo'"],
  ['no type', ''],
  ['an empty type', " type=''"],
] as const) {
  test(`an IQ with ${name} is answered modify/bad-request, and a publish is served after it`, async () => {
    const id = freshId('t');
    await rig.herald.handleStanza(
      `<iq${typeAttribute} id='${id}' from='alice@localhost/phone' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
    );
    const answer = await rig.routedFor(id);
    assert.equal(answer.attrs.type, 'error');
    assert.equal(answer.attrs.to, 'alice@localhost/phone');
    assert.equal(errorOf(answer), 'modify/bad-request');
    await rig.publishServed();
  });
}
