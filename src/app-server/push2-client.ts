/**
 * The Push 2.0 `<client/>` string the registration commands hand out (pure). The user's server
 * copies it from the client's `<enable/>` into every notification, and the App Server routes by
 * it, so it must be as hard to forge as XEP-0357's node secret (publish-authorization.ts):
 *
 *   client = <node> "." <secret>
 *
 * `node` is the registered push node (an HMAC, base64url: no "."), `secret` the node's XEP-0357
 * publish-options secret (144 random bits, base64url: no "."). Only its node's actor checks the
 * secret, in constant time (`secretsEqual`); an unknown node and a wrong secret are answered
 * alike (cancel/item-not-found), so the answer does not tell which part was wrong.
 */
import { StanzaError } from '../xmpp/stanza-error.js';

const SEPARATOR = '.';

/**
 * The one answer for a client string that routes nowhere: unknown, unauthorised, or its node
 * gone. `cancel`: the user's server never retries it (and may drop the registration).
 */
export const unknownPush2Client = () => new StanzaError('item-not-found', 'cancel', 'no push route for this client');

export interface Push2Client {
  node: string;
  secret: string;
}

export function push2ClientString(node: string, secret: string): string {
  return `${node}${SEPARATOR}${secret}`;
}

/** Node and secret of a client string; undefined when it has no such shape (never issued here). */
export function readPush2Client(client: string): Push2Client | undefined {
  const at = client.lastIndexOf(SEPARATOR);
  if (at <= 0 || at === client.length - 1) return undefined;
  return { node: client.slice(0, at), secret: client.slice(at + 1) };
}
