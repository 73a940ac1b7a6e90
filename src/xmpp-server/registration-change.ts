/**
 * What an `<enable/>` does to a user's registrations (XEP-0357 §5), shared by the user actor
 * and by the writes of users without one (pending-registrations.ts), so both apply one rule.
 */
import { StanzaError } from '../xmpp/stanza-error.js';
import type { EnableRequest } from './enable-request.js';
import type { Registration } from './registration.js';

/**
 * `xmpp_server.max_registrations_per_user`: an enable of a new (pubsub JID, node) when the user
 * already has `max` is refused; re-enabling an existing one only replaces its publish-options.
 */
export function quotaRefusal(count: number, isNew: boolean, max: number): StanzaError | undefined {
  if (!isNew || count < max) return undefined;
  return new StanzaError('policy-violation', 'cancel', `at most ${max} push registrations per account`);
}

/** Re-enabling without `<encrypt/>` ends encryption (Tigase encrypt §4.3): the registration is replaced whole. */
export function registrationOf(request: EnableRequest): Registration {
  const registration: Registration = {
    pubsubJid: request.pubsubJid,
    node: request.node,
    publishOptions: request.publishOptions,
    createdAt: Date.now(),
  };
  if (request.encryption) registration.encryption = request.encryption;
  if (request.push2) registration.push2 = request.push2;
  return registration;
}
