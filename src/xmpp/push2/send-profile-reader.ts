/**
 * A `<match/>`'s `<send xmlns='urn:xmpp:push2:send:…'/>`: which payload a notification carries
 * (Push 2.0 draft, "Send profiles"). The namespace names the profile; an unknown one is
 * cancel/feature-not-implemented naming it, so a client can fall back to another.
 */
import type { Element } from '@xmpp/xml';
import { attr } from '../attr.js';
import { badRequest, StanzaError } from '../stanza-error.js';
import { MAX_JWT_CLAIM_CHARS, MAX_JWT_CLAIMS } from './enable-limits.js';
import { checkAuthSecret, checkJwtKey, checkUaPublic } from './push2-keys.js';
import { PUSH2_NS, type Push2Jwt, type SendProfile } from './push2-types.js';

/** RFC 8292 §2: the only algorithm a push service must accept. */
const ES256 = 'ES256';
/** The server sets these: `exp` bounded by RFC 8292 §2, `sub` its own contact (RFC 8292 §2.1). */
const SERVER_CLAIMS = new Set(['exp', 'sub']);

export function readSendProfile(send: Element): SendProfile {
  const profile = attr(send, 'xmlns');
  if (profile === PUSH2_NS.SEND_NOTIFY_ONLY) return { kind: 'notify-only' };
  if (profile !== PUSH2_NS.SEND_SCE_RFC8291_RFC8292) {
    throw new StanzaError('feature-not-implemented', 'cancel', `send profile not supported: ${(profile ?? '(none)').slice(0, 128)}`);
  }
  const uaPublic = checkUaPublic(requiredText(send, 'ua-public'));
  const authSecret = checkAuthSecret(requiredText(send, 'auth-secret'));
  const jwt = readJwt(send);
  return jwt ? { kind: 'sce+rfc8291+rfc8292', uaPublic, authSecret, jwt } : { kind: 'sce+rfc8291+rfc8292', uaPublic, authSecret };
}

/** `<jwt-alg/>`, `<jwt-key/>`, `<jwt-claim name=…/>`: optional together; a key or claim without the algorithm is a mistake worth naming. */
function readJwt(send: Element): Push2Jwt | undefined {
  const alg = send.getChildText('jwt-alg')?.trim();
  const claimElements = send.getChildren('jwt-claim');
  if (!alg) {
    if (send.getChild('jwt-key') || claimElements.length > 0) throw badRequest('<jwt-key/> or <jwt-claim/> without <jwt-alg/>');
    return undefined;
  }
  if (alg !== ES256) throw new StanzaError('feature-not-implemented', 'cancel', `jwt-alg not supported: ${alg.slice(0, 32)} (only ES256, RFC 8292 §2)`);
  const key = checkJwtKey(requiredText(send, 'jwt-key'));
  if (claimElements.length > MAX_JWT_CLAIMS) throw badRequest(`more than ${MAX_JWT_CLAIMS} <jwt-claim/> elements`);
  // Entries, not assignments: a claim named `__proto__` stays a claim (CreateDataProperty).
  const claims: Array<[string, string]> = [];
  const names = new Set<string>();
  for (const claim of claimElements) {
    const name = attr(claim, 'name');
    if (!name) throw badRequest('<jwt-claim/> without a name');
    if (SERVER_CLAIMS.has(name)) throw badRequest(`<jwt-claim name='${name}'/>: the server sets ${name} (RFC 8292 §2)`);
    if (names.has(name)) throw badRequest(`<jwt-claim name='${name.slice(0, 64)}'/> given twice`);
    const value = claim.getText();
    if (value.length > MAX_JWT_CLAIM_CHARS) throw badRequest(`<jwt-claim name='${name.slice(0, 64)}'/> longer than ${MAX_JWT_CLAIM_CHARS} characters`);
    names.add(name);
    claims.push([name, value]);
  }
  return { alg: ES256, key, claims: Object.fromEntries(claims) };
}

function requiredText(parent: Element, name: string): string {
  const text = parent.getChildText(name)?.trim();
  if (!text) throw badRequest(`<send/> without <${name}/>`);
  return text;
}
