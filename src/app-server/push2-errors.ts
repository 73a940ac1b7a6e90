/**
 * What the App Server answers a Push 2.0 notification for each push outcome, in its
 * `<message type='error'>` (RFC 6120 §8.3). mod_push2 retries `wait` errors with backoff and
 * never retries any other type; so only a device that is gone is `cancel`, and every failure of
 * the provider's (or ours) is `wait`, as for XEP-0357 publishes (outcome-errors.ts).
 */
import type { PushOutcome } from '../push-service/notification.js';
import { StanzaError } from '../xmpp/stanza-error.js';
import { outcomeError } from './outcome-errors.js';

/** The provider did not answer in time or could not be reached: RFC 6120 §8.3.3.15 remote-server-timeout. */
const UNREACHED: ReadonlySet<string> = new Set(['service_internal', 'unable_to_connect', 'connection_lost', 'request_timeout']);

/** The stanza error for a failed outcome; undefined when the push was accepted. */
export function push2OutcomeError(outcome: PushOutcome): StanzaError | undefined {
  if (outcome.ok) return undefined;
  // The device is gone (APNS 410, FCM UNREGISTERED, Web Push 404/410): the route is no more.
  if (outcome.reason === 'unregistered') return new StanzaError('item-not-found', 'cancel', 'the device is no longer registered');
  if (UNREACHED.has(outcome.reason)) return new StanzaError('remote-server-timeout', 'wait', `the push provider did not answer: ${outcome.reason}`);
  return outcomeError(outcome);
}
