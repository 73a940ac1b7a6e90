/** Keys and stanzas the Push 2.0 wire tests share: a client's Web Push keys and its JWT key, as a client would send them. */
import { createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { parseStanza } from '../../../src/xmpp/parse.js';

export const parse = (text: string): Element => parseStanza(text, 65_536);

/** A user agent's P-256 pair (the private scalar decrypts) and auth secret, as a Push 2.0 client holds them. */
export function clientKeys() {
  const ua = createECDH('prime256v1');
  ua.generateKeys();
  const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
  return { uaPrivate: ua.getPrivateKey(), uaPublic: ua.getPublicKey(), authSecret: randomBytes(16), jwtKey };
}

export type ClientKeys = ReturnType<typeof clientKeys>;

/** An sce `<send/>` with the keys in standard base64, an ES256 JWT and an `aud` claim. */
export function sceSend(keys: ClientKeys, extra = ''): string {
  return (
    `<send xmlns='urn:xmpp:push2:send:sce+rfc8291+rfc8292:0'>` +
    `<ua-public>${keys.uaPublic.toString('base64')}</ua-public><auth-secret>${keys.authSecret.toString('base64')}</auth-secret>` +
    `<jwt-alg>ES256</jwt-alg><jwt-key>${keys.jwtKey.toString('base64')}</jwt-key>` +
    `<jwt-claim name='aud'>https://push.example.com</jwt-claim>${extra}</send>`
  );
}

export const NOTIFY_ONLY = `<send xmlns='urn:xmpp:push2:send:notify-only:0'/>`;

export function enableWith(inner: string, head = `<service>push.example.com</service><client>https://push.example.com/adlfkjadafdasf</client>`): Element {
  return parse(`<enable xmlns='urn:xmpp:push2:0'>${head}${inner}</enable>`);
}
