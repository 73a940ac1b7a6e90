/**
 * The example plugins of examples/plugins/, each loaded by path (plugins.modules) into a real
 * engine, change real pushes: what reaches the APNS simulator is what the plugin decided.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mentions } from '../../examples/plugins/groupchat-mention.js';
import { ALICE, examplePath, withPlugins } from './harness.js';

const MUTED = { 'mute-sender': { muted: ['bot@localhost', 'Noisy-Room@conference.localhost'] } };

test('mute-sender: messages from a muted sender (or muted room) are not pushed, while another sender is', async () => {
  await withPlugins({ modules: [examplePath('mute-sender')], options: MUTED }, async ({ herald, apns, tell, aps }) => {
    await tell('bot@localhost/cron', 'build failed');
    await tell('noisy-room@conference.localhost/someone', 'lunch?', 'groupchat');
    await tell('bob@localhost/laptop', 'are you there?');
    const pushed = await aps(1);
    assert.equal(pushed.alert?.body, 'are you there?');
    assert.equal(pushed.badge, 1, 'the muted messages are not in the badge either');
    await herald.xmppServer.whenIdle();
    assert.equal(apns.received.length, 1);
  });
});

test('groupchat-mention: a room message is pushed only when it mentions the user; a chat always is', async () => {
  await withPlugins({ modules: [examplePath('groupchat-mention')] }, async ({ herald, apns, tell, aps }) => {
    await tell('room@conference.localhost/romeo', 'good morning all', 'groupchat');
    await tell('room@conference.localhost/romeo', 'Alice, the balcony?', 'groupchat');
    assert.equal((await aps(1)).alert?.body, 'Alice, the balcony?');
    await tell('bob@localhost/laptop', 'a direct message');
    assert.equal((await aps(2)).alert?.body, 'a direct message');
    await herald.xmppServer.whenIdle();
    assert.equal(apns.received.length, 2);
  });
});

test('groupchat-mention: a mention is the local part as a word, with or without @, in any case', () => {
  assert.ok(mentions('hi @alice!', 'alice'));
  assert.ok(mentions('ALICE: look', 'alice'));
  assert.ok(!mentions('alices and bobs', 'alice'));
  assert.ok(!mentions('malice', 'alice'));
  assert.ok(mentions('ping a.b', 'a.b') && !mentions('ping axb', 'a.b'), 'the name is matched as text, not as a pattern');
});

test('conversation-badges: the badge counts the unread messages of each conversation, and restarts when the user comes online', async () => {
  await withPlugins({ modules: [examplePath('conversation-badges')] }, async ({ herald, tell, aps }) => {
    const badges: Array<number | undefined> = [];
    const push = async (from: string, n: number) => {
      await tell(from, `message ${n}`);
      badges.push((await aps(n)).badge);
    };
    await push('bob@localhost/laptop', 1);
    await push('bob@localhost/phone', 2);
    await push('carol@localhost/x', 3);
    await push('bob@localhost/laptop', 4);
    assert.deepEqual(badges, [1, 2, 1, 3], "per conversation, where Herald's own badge would be 1, 2, 3, 4");

    herald.sessionAvailable(`${ALICE}/phone`);
    herald.sessionUnavailable(`${ALICE}/phone`);
    await push('carol@localhost/x', 5);
    await push('bob@localhost/laptop', 6);
    assert.deepEqual(badges.slice(4), [1, 1], "both conversations start again (Herald's own badge would be 1, 2)");
  });
});
