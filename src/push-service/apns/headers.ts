/**
 * APNS request headers ("Sending notification requests to APNs", table "Header fields for a
 * POST request"). Pure: the per-notification values are chosen once in `prepareApnsRequest`,
 * the header block is rebuilt per attempt because the bearer token may have been refreshed.
 */
import http2, { type OutgoingHttpHeaders } from 'node:http2';
import type { PushNotification } from '../notification.js';

/** Push types Herald sends. Apple also has complication, fileprovider, mdm, location, … */
export type ApnsPushType = 'alert' | 'background' | 'voip';
/** apns-priority: 10 = send immediately, 5 = consider the device's power (background: must be 5). */
export type ApnsPriority = 5 | 10;

/** Apple requires the `.voip` topic suffix for voip pushes, so that suffix is what selects them. */
const VOIP_TOPIC_SUFFIX = '.voip';

/** What one APNS request carries; built once per notification, reused by every retry. */
export interface ApnsRequest {
  /** `/3/device/<token>` */
  readonly path: string;
  readonly topic: string;
  readonly pushType: ApnsPushType;
  readonly priority: ApnsPriority;
  /** Epoch seconds; 0 = deliver once, do not store. */
  readonly expiration: number;
  /** Canonical UUID; stays the same over retries so both ends log one id per notification. */
  readonly apnsId: string;
  readonly collapseId: string | undefined;
  /** The JSON payload (UTF-8 on the wire); a string crosses threads as one copy. */
  readonly body: string;
}

/**
 * Apple: "APNs stores a small dynamic table … use literal-without-indexing" for values that vary
 * per request. Node sends the header names listed here as never-indexed literals.
 */
const NEVER_INDEXED: readonly string[] = Object.freeze([':path', 'authorization', 'apns-id']);

/** voip when the topic says so; otherwise alert when there is something to show, else background. */
export function apnsPushType(n: PushNotification, topic: string): ApnsPushType {
  if (topic.endsWith(VOIP_TOPIC_SUFFIX)) return 'voip';
  return n.alert === undefined ? 'background' : 'alert';
}

/** Apple: background pushes must use 5; otherwise normal → 5, high (or unset) → 10. */
export function apnsPriority(n: PushNotification, pushType: ApnsPushType): ApnsPriority {
  if (pushType === 'background') return 5;
  return n.priority === 'normal' ? 5 : 10;
}

/**
 * apns-expiration in epoch seconds: now + time_to_live, else now + the configured default.
 * A lifetime of 0 stays 0 (Apple: "attempts to deliver the notification only once").
 */
export function apnsExpiration(n: PushNotification, defaultLifetimeS: number, nowMs: number): number {
  const lifetime = n.time_to_live ?? defaultLifetimeS;
  return lifetime === 0 ? 0 : Math.floor(nowMs / 1000) + Math.floor(lifetime);
}

/**
 * The header block of one attempt; `authorization` is `bearer <jwt>`, or '' for certificate-based
 * auth, which sends no `authorization` header (Apple: the TLS client certificate authenticates).
 */
export function apnsRequestHeaders(req: ApnsRequest, authorization: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': req.path,
    authorization,
    'apns-topic': req.topic,
    'apns-push-type': req.pushType,
    'apns-priority': req.priority,
    'apns-expiration': req.expiration,
    'apns-id': req.apnsId,
    [http2.sensitiveHeaders]: NEVER_INDEXED,
  };
  if (authorization === '') delete headers.authorization;
  if (req.collapseId !== undefined) headers['apns-collapse-id'] = req.collapseId;
  return headers;
}
