/** The `<enable/>` forms Herald accepts, and the Push2Config it stores for them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readPush2Enable } from '../../../src/xmpp/push2/enable-reader.js';
import { clientKeys, enableWith, NOTIFY_ONLY, sceSend } from './push2-fixtures.js';

const KEYS = clientKeys();

test('the draft example is read as stored: service, client, profile, grace, filter, send', () => {
  const config = readPush2Enable(
    enableWith(
      `<match profile='urn:xmpp:push2:match:archived-with-body'><grace>144</grace>` +
        `<filter jid='SomeMuc@Conference.Example.com'><mention/></filter><filter jid='muted@muc.example'/>${NOTIFY_ONLY}</match>` +
        `<match profile='urn:xmpp:push2:match:important'>${sceSend(KEYS)}</match>`,
      `<service>Pusher@Push.Example.com</service><client>https://push.example.com/adlfkjadafdasf</client>`,
    ),
  );
  assert.deepEqual(config, {
    service: 'pusher@push.example.com',
    client: 'https://push.example.com/adlfkjadafdasf',
    matches: [
      {
        profile: 'archived-with-body',
        graceS: 144,
        filters: [
          { jid: 'somemuc@conference.example.com', mention: true, reply: false },
          { jid: 'muted@muc.example', mention: false, reply: false },
        ],
        send: { kind: 'notify-only' },
      },
      {
        profile: 'important',
        filters: [],
        send: {
          kind: 'sce+rfc8291+rfc8292',
          uaPublic: KEYS.uaPublic.toString('base64'),
          authSecret: KEYS.authSecret.toString('base64'),
          jwt: { alg: 'ES256', key: KEYS.jwtKey.toString('base64'), claims: { aud: 'https://push.example.com' } },
        },
      },
    ],
  });
});

test('keys in base64url, or without padding, or with line breaks, are stored as standard padded base64', () => {
  const forms = [
    (b: Buffer) => b.toString('base64url'),
    (b: Buffer) => b.toString('base64').replace(/=+$/, ''),
    (b: Buffer) => `${b.toString('base64url')}==`.slice(0, Math.ceil(b.length / 3) * 4),
    (b: Buffer) => b.toString('base64').replace(/(.{64})/g, '$1\n'),
  ];
  for (const form of forms) {
    const send =
      `<send xmlns='urn:xmpp:push2:send:sce+rfc8291+rfc8292:0'><ua-public>${form(KEYS.uaPublic)}</ua-public>` +
      `<auth-secret>${form(KEYS.authSecret)}</auth-secret><jwt-alg>ES256</jwt-alg><jwt-key>${form(KEYS.jwtKey)}</jwt-key></send>`;
    const read = readPush2Enable(enableWith(`<match profile='urn:xmpp:push2:match:all'>${send}</match>`)).matches[0]?.send;
    assert.deepEqual(read, {
      kind: 'sce+rfc8291+rfc8292',
      uaPublic: KEYS.uaPublic.toString('base64'),
      authSecret: KEYS.authSecret.toString('base64'),
      jwt: { alg: 'ES256', key: KEYS.jwtKey.toString('base64'), claims: {} },
    }, form(KEYS.authSecret));
  }
});

test('an sce send without jwt-alg has no JWT; a claim named __proto__ stays a claim', () => {
  const send =
    `<send xmlns='urn:xmpp:push2:send:sce+rfc8291+rfc8292:0'><ua-public>${KEYS.uaPublic.toString('base64')}</ua-public>` +
    `<auth-secret>${KEYS.authSecret.toString('base64')}</auth-secret></send>`;
  const read = readPush2Enable(enableWith(`<match profile='urn:xmpp:push2:match:all'>${send}</match>`)).matches[0]?.send;
  assert.deepEqual(read, { kind: 'sce+rfc8291+rfc8292', uaPublic: KEYS.uaPublic.toString('base64'), authSecret: KEYS.authSecret.toString('base64') });
  const odd = readPush2Enable(enableWith(`<match profile='urn:xmpp:push2:match:all'>${sceSend(KEYS, `<jwt-claim name='__proto__'>x</jwt-claim>`)}</match>`));
  const send2 = odd.matches[0]?.send;
  assert.ok(send2?.kind === 'sce+rfc8291+rfc8292');
  assert.deepEqual(Object.keys(send2.jwt!.claims), ['aud', '__proto__']);
  assert.equal(Object.getPrototypeOf(send2.jwt!.claims), Object.prototype);
});

test('a grace of 0 and a filter by domain or full JID are kept as written', () => {
  const config = readPush2Enable(
    enableWith(`<match profile='urn:xmpp:push2:match:all'><grace> 0 </grace><filter jid='muc.example'><reply/></filter><filter jid='room@muc.example/Nick'/>${NOTIFY_ONLY}</match>`),
  );
  assert.equal(config.matches[0]?.graceS, 0);
  assert.deepEqual(config.matches[0]?.filters.map((f) => f.jid), ['muc.example', 'room@muc.example/Nick']);
  assert.equal(config.matches[0]?.filters[0]?.reply, true);
});
