/**
 * What Push 2.0 reads of a message before matching it (src/xmpp/push2/message-facts.ts): for a
 * registration whose session is available only whether it is a call (`isCall`, which rings even
 * an available session); for one whose session is gone all its facts (`push2Facts`), once per
 * message. A chat message with a body, carbons and stanza-id as a server delivers it.
 */
import assert from 'node:assert/strict';
import { strictParse } from '../../src/xmpp/parse.js';
import { DEFAULT_MAX_STANZA_DEPTH } from '../../src/xmpp/stanza-limits.js';
import { isCall, push2Facts } from '../../src/xmpp/push2/message-facts.js';
import type { MicroCase, MicroSuite } from './case.js';

const USER = 'juliet@capulet.example';
const CHAT = strictParse(
  `<message xmlns='jabber:client' type='chat' id='m1' from='romeo@montague.example/orchard' to='${USER}/balcony'>` +
    `<body>Wherefore art thou Romeo?</body><active xmlns='http://jabber.org/protocol/chatstates'/>` +
    `<stanza-id xmlns='urn:xmpp:sid:0' by='${USER}' id='mam-1'/></message>`,
  DEFAULT_MAX_STANZA_DEPTH,
);
const CALL = strictParse(
  `<message xmlns='jabber:client' id='c1' from='romeo@montague.example/orchard' to='${USER}'><propose xmlns='urn:xmpp:jingle-message:0' id='call-1'/></message>`,
  DEFAULT_MAX_STANZA_DEPTH,
);

export function push2Cases(): MicroSuite {
  const call: MicroCase = {
    name: 'Push 2.0: isCall (a registration whose session is available)',
    async: false,
    batch: 1_000,
    run: () => isCall(CHAT),
    check() {
      assert.equal(call.run(), false);
      assert.equal(isCall(CALL), true);
    },
  };
  const facts: MicroCase = {
    name: 'Push 2.0: push2Facts (a registration whose session is gone)',
    async: false,
    batch: 100,
    run: () => push2Facts(CHAT, USER),
    check() {
      const read = push2Facts(CHAT, USER);
      assert.deepEqual([read.call, read.important, read.archived, read.archiveId, read.body], [false, true, true, 'mam-1', 'Wherefore art thou Romeo?']);
    },
  };
  return { cases: [call, facts], close: async () => {} };
}
