/**
 * The contract between the App Server (and the REST API) and the Push Service role:
 * a provider-neutral notification in, a definite outcome out.
 *
 * A provider *rejection* is a value (PushOutcome with ok=false): it was answered and must not be
 * resent as is. A failure *to send* that survived the retry budget is also reported as a value,
 * with a reason that says whether it is transient (the App Server answers `wait`).
 */
import type { PushFailureReason } from '../core/answer-vocabulary.js';

export type PushServiceName = 'apns' | 'fcm' | 'webpush';
export type PushMode = 'prod' | 'dev';

export interface PushAlert {
  title: string;
  body: string;
  badge?: number;
  sound?: string;
  /** APNS `aps.category`, FCM `click_action`. */
  click_action?: string;
  tag?: string;
}

export interface PushNotification {
  service: PushServiceName;
  /**
   * The provider's device token (APNS: 64+ hex characters). Web Push: the subscription's endpoint
   * URL (PushSubscription.endpoint), its keys in `keys`.
   */
  device_id: string;
  /** Web Push only: the subscription's keys (W3C Push API PushSubscription.toJSON().keys), base64url. */
  keys?: { p256dh: string; auth: string };
  mode: PushMode;
  /** APNS apns-topic; the pool's default topic when absent. */
  topic?: string;
  /** normal → APNS 5, high → APNS 10; unset = alert 10, background 5. */
  priority?: 'normal' | 'high';
  /** Seconds the provider may keep the notification; unset = the configured default. */
  time_to_live?: number;
  mutable_content?: boolean;
  /** Visible notification; absent = silent (background) push. */
  alert?: PushAlert;
  /** Custom data; APNS: merged beside `aps`; FCM: `data` map. */
  data?: Record<string, unknown>;
  /** APNS apns-collapse-id (≤ 64 bytes). */
  collapse_id?: string;
  /** Pool selection: the pool's tags must include all of these (MongoosePush). */
  tags?: string[];
  /**
   * A VoIP (PushKit) push, e.g. a call: APNS sends it to the topic with Apple's `.voip` suffix
   * (the pool's default topic + `.voip` when the notification names none), so `apns-push-type: voip`.
   */
  voip?: boolean;
  /**
   * Web Push only: the body to POST as it is, standard base64 of an RFC 8291 aes128gcm body the
   * sender already encrypted to the subscription's keys (Push 2.0, app-server/push2-mapping.ts);
   * '' = a push without payload (RFC 8030 §5). Set, `alert` and `data` are not sent.
   */
  ready_body?: string;
  /** Web Push only: RFC 8030 §5.3 Urgency; wins over `priority` (which has no `low`). */
  urgency?: 'low' | 'normal' | 'high';
  /**
   * Web Push only: the sender's own RFC 8292 JWT and its public key (standard base64, raw P-256),
   * from a Push 2.0 notification. Sent as the VAPID Authorization instead of Herald's when its
   * `aud` is the push service's origin: the browser subscribed with the client's key.
   */
  sender_vapid?: { token: string; key: string };
}

/** Why a push did not end in a delivery: MongoosePush's v3 reasons (core/answer-vocabulary.ts). */
export type { PushFailureReason } from '../core/answer-vocabulary.js';

export type PushOutcome =
  | { ok: true; /** apns-id (APNS) or message name (FCM). */ id: string }
  | {
      ok: false;
      reason: PushFailureReason;
      /** The provider's own reason string (e.g. "BadDeviceToken"), when it answered. */
      providerReason?: string;
      /** The provider's HTTP status, when it answered. */
      status?: number;
      /** APNS 410: when the token stopped being valid (ms since epoch). */
      timestamp?: number;
    };

/** Reasons that are worth trying again later (XMPP `wait`); every other failure is final. */
export const TRANSIENT_REASONS: ReadonlySet<PushFailureReason> = new Set([
  'too_many_requests',
  'service_internal',
  'unable_to_connect',
  'connection_lost',
  'request_timeout',
  'unspecified',
]);

export interface PushDispatcher {
  /**
   * Sends one notification and resolves with its outcome. Throws HeraldError
   * `HERALD_MAILBOX_FULL` at once when every sender's mailbox is full (backpressure:
   * REST answers 429, XMPP answers wait/resource-constraint).
   */
  send(notification: PushNotification): Promise<PushOutcome>;
}
