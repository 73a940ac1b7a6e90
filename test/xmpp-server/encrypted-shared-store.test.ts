/**
 * An encryption key and a Push 2.0 configuration on PostgreSQL: kept inside the registration's
 * publish_options row (no schema change) and given back apart from them, so another instance
 * encrypts with the key, and matches and notifies by the configuration, too.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { openPushContent } from '../../src/xmpp/push-encryption.js';
import { forSuite } from '../support/for-suite.js';
import { chat, stanza } from './harness.js';
import { sharedStore, type Instance } from './shared-store-instances.js';

const KEY = randomBytes(16).toString('base64');
const USER = 'sealed@example.com';

const NOTIFY_ONLY = "<send xmlns='urn:xmpp:push2:send:notify-only:0'/>";

/** A Push 2.0 enable of `user`'s session `phone` through `via`, to push.example.net; asserts the result. */
async function enablePush2(via: Instance, user: string, client: string, match: string): Promise<void> {
  const enable = `<enable xmlns='urn:xmpp:push2:0'><service>push.example.net</service><client>${client}</client>${match}</enable>`;
  const reply = await via.role.handleIq(stanza(`<iq type='set' id='p-${client}' from='${user}/phone'>${enable}</iq>`));
  assert.equal(reply.attrs.type, 'result', reply.toString());
}

describe('encrypted registrations on PostgreSQL', () => {
  const store = forSuite(() => sharedStore());

  test('a key enabled through A encrypts the push B sends, and never shows among the publish-options', async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    const reply = await a.role.handleIq(
      stanza(
        `<iq type='set' id='e1' from='${USER}/phone'><enable xmlns='urn:xmpp:push:0' jid='push.example.net' node='phone'>` +
          `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field><field var='service'><value>apns</value></field></x>` +
          `<encrypt xmlns='tigase:push:encrypt:0' alg='aes-128-gcm'>${KEY}</encrypt></enable></iq>`,
      ),
    );
    assert.equal(reply.attrs.type, 'result', reply.toString());

    b.role.onMessage(chat(USER, 'stored safely', 'pg-1'));
    const [publish] = await b.publisher.waitForPublishes(1);
    assert.deepEqual(publish!.publishOptions, { service: 'apns' });
    assert.deepEqual(publish!.summary, {});
    assert.equal(openPushContent(publish!.encrypted!, KEY).message, 'stored safely');
  });

  test('a Push 2.0 registration enabled through A is matched and notified by B, its configuration read back whole', async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    const user = 'push2@example.com';
    await enablePush2(a, user, 'c-1', `<match profile='urn:xmpp:push2:match:important'><grace>60</grace><filter jid='room@muc.example.com'><mention/></filter>${NOTIFY_ONLY}</match>`);
    const [registration] = await b.role.registrations(user);
    assert.deepEqual(registration!.publishOptions, {}, 'the configuration is not among the publish-options');
    assert.deepEqual(registration!.push2, {
      service: 'push.example.net',
      client: 'c-1',
      matches: [{ profile: 'important', graceS: 60, filters: [{ jid: 'room@muc.example.com', mention: true, reply: false }], send: { kind: 'notify-only' } }],
    });
    b.role.onMessage(chat(user, 'through B', 'pg-2'));
    await b.role.whenIdle();
    assert.deepEqual(b.push2.map((n) => [n.to, n.client, n.priority]), [['push.example.net', 'c-1', 'normal']]);
  });

  test('the same message handed to both instances is notified once by Push 2.0', async () => {
    const [a, b] = [await store.instance(), await store.instance()];
    const user = 'push2-twice@example.com';
    await enablePush2(a, user, 'c-2', `<match profile='urn:xmpp:push2:match:all'>${NOTIFY_ONLY}</match>`);
    for (let i = 1; i <= 4; i++) {
      a.role.onMessage(chat(user, `message ${i}`, `twice-${i}`));
      b.role.onMessage(chat(user, `message ${i}`, `twice-${i}`));
    }
    await Promise.all([a.role.whenIdle(), b.role.whenIdle()]);
    assert.equal(a.push2.length + b.push2.length, 4, 'one notification per message, whichever instance claimed it');
  });
});
