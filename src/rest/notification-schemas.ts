/**
 * The request bodies of the REST API as zod schemas: the contract `/swagger.json` is generated
 * from (openapi.ts). Not on the request path: flat-schema.ts and deep-schema.ts validate and cast
 * in one pass with MongoosePush's exact 422 wording; test/rest/openapi-contract.test.ts holds the
 * two to the same verdict on generated bodies.
 *
 * The string forms MongooseIM copies from XEP-0357 publish-options ("3600", "true") are part of
 * the contract, as the cast (cast.ts) accepts them: a count is an int32 in 0..INT32_MAX or its
 * decimal text, a boolean is a boolean or "true" / "false".
 */
import * as z from 'zod';
import { INT32_MAX } from './cast.js';
import { AUTH_PATTERN, P256DH_PATTERN, WEBPUSH_KEY_FORMATS } from '../push-service/webpush/key-formats.js';

/**
 * Decimal text of an integer in 0..INT32_MAX (2147483647), signs and leading zeros allowed, as
 * castCount reads it with Number(): "+7", "007", and "-0" (which is 0).
 */
const COUNT_TEXT = /^(?:-0+|\+?0*(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7]))$/;

function count(meaning: string, example: number) {
  return z
    .union([
      z.int().min(0).max(INT32_MAX).meta({ example }),
      z.string().regex(COUNT_TEXT).meta({ description: `decimal text of a value in 0..${INT32_MAX}`, example: String(example) }),
    ])
    .meta({ description: `${meaning} A non-negative int32; the decimal text MongooseIM sends ("${example}") is accepted and cast.`, example });
}

const service = z.enum(['apns', 'fcm']).meta({
  description: 'The provider that delivers the notification: Apple Push Notification service or Firebase Cloud Messaging (HTTP v1).',
  example: 'apns',
});
const deepService = z.enum(['apns', 'fcm', 'webpush']).meta({
  description:
    'The provider that delivers the notification: Apple Push Notification service, Firebase Cloud Messaging (HTTP v1), ' +
    'or Web Push (RFC 8030; the device_id is the subscription endpoint URL, percent-encoded, and p256dh and auth are required).',
  example: 'apns',
});
const webPushKey = (name: 'p256dh' | 'auth', pattern: RegExp, example: string) =>
  z
    .string()
    .regex(pattern)
    .meta({ description: `Web Push only (required then): the subscription's keys.${name} (PushSubscription.toJSON()), ${WEBPUSH_KEY_FORMATS[name]}.`, example });
const mode = z.enum(['prod', 'dev']).meta({ description: 'The pool: production, or development (APNS sandbox). Default prod.', default: 'prod', example: 'prod' });
const topic = z.string().meta({ description: "APNS apns-topic (the app's bundle id); unset = the pool's default topic.", example: 'com.example.app' });
const data = z.record(z.string(), z.unknown()).meta({
  description:
    'Free JSON. APNS: every key is placed in the payload beside aps (a data.aps is ignored); FCM: the data map, ' +
    'every value sent as a string. With data and no alert the push is silent (APNS content-available: 1, ' +
    'apns-push-type: background). MongooseIM puts the XEP-0357 summary here for silent pushes.',
  example: { 'message-count': 1, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' },
});

/** The alert fields: inside `alert` on v2/v3, at the top level on v1. */
const alertFields = {
  title: z.string().meta({ description: 'APNS aps.alert.title, FCM android.notification.title (MongooseIM: the sender).', example: 'alice@localhost' }),
  body: z.string().meta({ description: 'APNS aps.alert.body, FCM android.notification.body (MongooseIM: the message text).', example: 'OH, HAI!' }),
  badge: count("APNS aps.badge, the number on the app's icon (MongooseIM: the unread count).", 1).optional(),
  click_action: z.string().meta({ description: 'APNS aps.category, FCM android.notification.click_action.', example: 'myactivity' }).optional(),
  tag: z
    .string()
    .meta({ description: 'APNS aps.thread-id (groups notifications), FCM android.notification.tag (replaces a shown notification with the same tag).', example: 'alice@localhost' })
    .optional(),
};

export const Alert = z.strictObject({ ...alertFields, sound: z.string().meta({ description: 'APNS aps.sound, FCM android.notification.sound.', example: 'default' }).optional() }).meta({
  description: 'A visible notification. Absent: a silent push. Unknown fields are refused.',
  example: { title: 'alice@localhost', body: 'OH, HAI!', badge: 1, click_action: 'myactivity', tag: 'alice@localhost', sound: 'default' },
});

export const DeepNotification = z
  .strictObject({
    service: deepService,
    mode: mode.optional(),
    priority: z
      .enum(['normal', 'high'])
      .meta({
        description:
          'FCM android.priority as is; APNS apns-priority normal → 5, high → 10 (background pushes are always 5). ' +
          'Unset: the provider default for the kind of push.',
        example: 'high',
      })
      .optional(),
    time_to_live: count(
      'Seconds the provider may keep the notification for an offline device: FCM android.ttl (at most 28 days), ' +
        'APNS apns-expiration = now + time_to_live (0: one delivery attempt). Unset: the configured default.',
      3600,
    ).optional(),
    mutable_content: z
      .union([z.boolean().meta({ example: true }), z.enum(['true', 'false']).meta({ example: 'true' })])
      .meta({
        description:
          'APNS aps.mutable-content: 1 (a notification service extension may rewrite the alert); alerts only. ' +
          'The string forms MongooseIM sends ("true", "false") are accepted and cast.',
        example: true,
      })
      .optional(),
    tags: z.array(z.string()).meta({ description: 'Choose a pool whose tags include all of these.', example: ['beta'] }).optional(),
    topic: topic.optional(),
    alert: Alert.optional(),
    data: data.optional(),
    p256dh: webPushKey('p256dh', P256DH_PATTERN, 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM').optional(),
    auth: webPushKey('auth', AUTH_PATTERN, 'tBHItJI5svbpez7KI4CCXg').optional(),
  })
  .refine((body) => body.alert !== undefined || body.data !== undefined, { message: 'Missing field: alert', path: ['alert'] })
  .refine((body) => (body.service === 'webpush' ? body.p256dh !== undefined && body.auth !== undefined : body.p256dh === undefined && body.auth === undefined), {
    message: 'p256dh and auth: required with service webpush, refused with any other',
    path: ['p256dh'],
  })
  // The refinement as JSON Schema says it (a refine has no JSON Schema form of its own).
  .meta({
    description: 'The v2/v3 body. Unknown fields are refused; at least one of alert and data is required; p256dh and auth with service webpush only, and then both.',
    anyOf: [{ required: ['alert'] }, { required: ['data'] }],
    if: { properties: { service: { const: 'webpush' } }, required: ['service'] },
    then: { required: ['p256dh', 'auth'] },
    else: { not: { anyOf: [{ required: ['p256dh'] }, { required: ['auth'] }] } },
  });

export const FlatNotification = z
  .strictObject({ service, mode: mode.optional(), ...alertFields, topic: topic.optional(), data: data.optional() })
  .meta({ description: 'The v1 body: the alert fields at the top level. Unknown fields are refused.' });
