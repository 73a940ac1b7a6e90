/**
 * What the App Server answers the XMPP server for each push outcome. The XMPP server decides
 * from the error *type* whether to keep the registration (reference "Errors from the App
 * Server"): `wait` keeps it everywhere; MongooseIM disables on any `cancel`, ejabberd deletes on
 * the first non-`wait` error. So only a dead or unusable device token is `cancel`; every
 * failure that is ours or the provider's is `wait`, or a healthy device would be disabled.
 * A failure to hand the notification over at all (a throw: full mailbox, stopping engine, full
 * store) is answered as its code's row in core/errors.ts says (`toStanzaError`).
 */
import { TRANSIENT_REASONS, type PushFailureReason, type PushOutcome } from '../push-service/notification.js';
import { StanzaError } from '../xmpp/stanza-error.js';
import { deviceNotRegistered } from './pubsub-errors.js';

/** The stanza error for a failed outcome; undefined when the push was accepted. */
export function outcomeError(outcome: PushOutcome): StanzaError | undefined {
  if (outcome.ok) return undefined;
  const said = outcome.providerReason ? ` (${outcome.providerReason.slice(0, 64)})` : '';
  return reasonError(outcome.reason, said);
}

function reasonError(reason: PushFailureReason, said: string): StanzaError {
  switch (reason) {
    // MongooseIM's answer (mod_push_service_mongoosepush on a 410).
    case 'unregistered':
      return deviceNotRegistered(`the device token is no longer registered${said}`);
    // BadDeviceToken, DeviceTokenNotForTopic, FCM INVALID_ARGUMENT: this token will never work.
    case 'invalid_request':
      return new StanzaError('not-acceptable', 'cancel', `the push service refused the device token${said}`);
    // The content, not the registration, is at fault: the next (shorter) message may pass.
    case 'payload_too_large':
      return new StanzaError('not-acceptable', 'modify', `the notification is too large${said}`);
    case 'invalid_notification':
      return new StanzaError('bad-request', 'modify', `the push service refused the notification${said}`);
    // RFC 6120 §8.3.3.18: a rate limit is a resource constraint (mod_push_appserver answers the same).
    case 'too_many_requests':
      return new StanzaError('resource-constraint', 'wait', `push rate limited${said}`);
    // Our configuration lacks a pool for this service/mode: fixable by the operator, so `wait`.
    case 'no_matching_pool':
      return new StanzaError('service-unavailable', 'wait', 'no push connection serves this service and mode');
    // Provider down or our own configuration/credentials rejected (bad topic, auth): retryable.
    case 'internal_config':
    case 'service_internal':
    case 'unable_to_connect':
    case 'connection_lost':
    case 'request_timeout':
    case 'unspecified':
      return transientError(reason, said);
  }
}

/** Every other transient reason: `wait/internal-server-error` (Tigase, too, keeps on it). */
function transientError(reason: PushFailureReason, said: string): StanzaError {
  const text = TRANSIENT_REASONS.has(reason) ? `push service temporarily failed: ${reason}` : `push service misconfigured: ${reason}`;
  return new StanzaError('internal-server-error', 'wait', `${text}${said}`);
}
