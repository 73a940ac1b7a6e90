/**
 * The OpenAPI 3.0 document of the REST API, served at `GET /swagger.json` (as MongoosePush does).
 * A plain object built once at load. It describes what the validators (flat-schema.ts,
 * deep-schema.ts) accept and what the answer writers (v2-responses.ts, v3-responses.ts,
 * rest-response.ts, bearer-auth.ts) send; test/rest/openapi.test.ts drives every
 * documented property through the validators and every mapper answer through this document, so
 * the two cannot drift apart silently.
 *
 * Reference: OpenAPI Specification 3.0.3 (spec.openapis.org/oas/v3.0.3); the contract itself is
 * MongoosePush 2.x as MongooseIM's mod_push_service_mongoosepush uses it (mongoosepush-api.md).
 */
import { createRequire } from 'node:module';
import { INT32_MAX } from './cast.js';

const PACKAGE_VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

/** A non-negative int32, or its decimal text as MongooseIM copies it from publish-options. */
function count(meaning: string, example: number): Record<string, unknown> {
  return {
    description: `${meaning} A non-negative int32; the decimal text MongooseIM sends ("${example}") is accepted and cast.`,
    oneOf: [
      { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX, example },
      { type: 'string', pattern: '^[+-]?[0-9]+$', description: `decimal text of a value in 0..${INT32_MAX}`, example: String(example) },
    ],
    example,
  };
}

function reasonBody(reasons: readonly string[], description: string): Record<string, unknown> {
  return {
    description,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: { type: 'string', enum: reasons } },
        },
        example: { reason: reasons[0] },
      },
    },
  };
}

function detailsBody(description: string, details: Record<string, unknown>, example: string): Record<string, unknown> {
  return {
    description,
    content: {
      'application/json': {
        schema: { type: 'object', required: ['details'], additionalProperties: false, properties: { details } },
        example: { details: example },
      },
    },
  };
}

const ref = (kind: 'schemas' | 'responses' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });

const SERVICE = {
  type: 'string',
  enum: ['apns', 'fcm'],
  description: 'The provider that delivers the notification: Apple Push Notification service or Firebase Cloud Messaging (HTTP v1).',
  example: 'apns',
};
const MODE = {
  type: 'string',
  enum: ['prod', 'dev'],
  default: 'prod',
  description: 'The pool: production, or development (APNS sandbox). Default prod.',
  example: 'prod',
};
const TOPIC = {
  type: 'string',
  description: "APNS apns-topic (the app's bundle id); unset = the pool's default topic.",
  example: 'com.example.app',
};
const DATA = {
  type: 'object',
  additionalProperties: true,
  description:
    'Free JSON. APNS: every key is placed in the payload beside aps (a data.aps is ignored); FCM: the data map, ' +
    'every value sent as a string. With data and no alert the push is silent (APNS content-available: 1, ' +
    'apns-push-type: background). MongooseIM puts the XEP-0357 summary here for silent pushes.',
  example: { 'message-count': 1, 'last-message-sender': 'alice@localhost', 'last-message-body': 'OH, HAI!' },
};
const TITLE = {
  type: 'string',
  description: 'APNS aps.alert.title, FCM android.notification.title (MongooseIM: the sender).',
  example: 'alice@localhost',
};
const BODY = {
  type: 'string',
  description: 'APNS aps.alert.body, FCM android.notification.body (MongooseIM: the message text).',
  example: 'OH, HAI!',
};
const BADGE = count("APNS aps.badge, the number on the app's icon (MongooseIM: the unread count).", 1);
const CLICK_ACTION = {
  type: 'string',
  description: 'APNS aps.category, FCM android.notification.click_action.',
  example: 'myactivity',
};
const TAG = {
  type: 'string',
  description: 'APNS aps.thread-id (groups notifications), FCM android.notification.tag (replaces a shown notification with the same tag).',
  example: 'alice@localhost',
};
const SOUND = { type: 'string', description: 'APNS aps.sound, FCM android.notification.sound.', example: 'default' };

/** Statuses and reasons of v3, one row per PushFailureReason (v3-responses.ts). */
const V3_ANSWERS = {
  '400': reasonBody(
    ['invalid_request', 'no_matching_pool', 'invalid_notification', 'bad_request'],
    'invalid_request: the provider refused the device token or request (APNS BadDeviceToken, DeviceTokenNotForTopic, ' +
      'TopicDisallowed, Forbidden, PayloadEmpty; FCM INVALID_ARGUMENT). no_matching_pool: no pool serves this ' +
      'service, mode and tags. invalid_notification: the notification cannot be sent as given. bad_request: not ' +
      'HTTP/1.1 as RFC 9112 defines it (bad framing, Content-Length with Transfer-Encoding, no Host, …); the ' +
      'connection is closed.',
  ),
  '410': reasonBody(
    ['unregistered'],
    'The device token is no longer valid (APNS 410 Unregistered, FCM UNREGISTERED). MongooseIM disables the ' +
      "user's push registration on this status, and on no other.",
  ),
  '413': reasonBody(['payload_too_large'], 'The body is over rest.body_limit_bytes, or the provider payload over its limit (APNS 4 KB).'),
  '429': reasonBody(['too_many_requests'], "The provider's rate limit, or Herald's own backpressure (every sender mailbox full)."),
  '500': reasonBody(['request_timeout'], 'No answer in time, or any other failure of Herald ("anything else" in MongoosePush).'),
  '503': reasonBody(
    ['service_internal', 'internal_config', 'unable_to_connect', 'connection_lost', 'overloaded'],
    'service_internal: the provider is down or failed internally, or refused our credentials (masked), or Herald ' +
      'is shutting down. ' +
      'internal_config: the provider refused our configuration (bad or missing topic). unable_to_connect / ' +
      'connection_lost: no connection to the provider, or it was lost before the answer. overloaded: Herald shed ' +
      'the request (rest.max_pending_body_bytes, rest.max_pending_body_bytes_per_connection, or more pipelined ' +
      'HTTP/1.1 requests than rest.max_streams_per_connection); a later attempt may succeed.',
  ),
  '520': reasonBody(['unspecified'], 'The provider answered an error of no known kind (FCM UNSPECIFIED_ERROR).'),
};

/** v1/v2 answers (v2-responses.ts): MongoosePush's `{"details": …}`. */
const V2_ANSWERS = {
  '413': detailsBody('The body is over rest.body_limit_bytes.', { type: 'string', enum: ['Request Entity Too Large'] }, 'Request Entity Too Large'),
  '500': detailsBody(
    "Every failure but unable_to_connect, with the provider's own reason (e.g. BadDeviceToken, Unregistered) or " +
      "Herald's reason when the provider gave none. On v1/v2 an unregistered device is a 500, as upstream: use v3.",
    { type: 'string' },
    'Unregistered',
  ),
  '503': detailsBody(
    'No connection to the provider could be made, or Herald shed the request under load (see the v3 503 overloaded).',
    { type: 'string', enum: ['Please try again later'] },
    'Please try again later',
  ),
};

function notificationPath(version: 'v1' | 'v2' | 'v3'): Record<string, unknown> {
  const flat = version === 'v1';
  return {
    post: {
      operationId: `sendNotification${version.toUpperCase()}`,
      summary: flat ? 'Send a notification (flat body; deprecated upstream, still served)' : 'Send a notification',
      description:
        version === 'v3'
          ? "MongooseIM's default api_version. Failures are {\"reason\": …} with a status per reason; 410 = device unregistered."
          : 'Failures are {"details": …}: 503 when no connection could be made, 500 for every other failure.',
      parameters: [ref('parameters', 'DeviceId')],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: ref('schemas', flat ? 'FlatNotification' : 'DeepNotification') } },
      },
      responses: {
        '200': ref('responses', 'Sent'),
        '401': ref('responses', 'Unauthorized'),
        '400': ref('responses', 'BadRequest'),
        '408': ref('responses', 'BodyTimeout'),
        '414': ref('responses', 'UriTooLong'),
        '422': ref('responses', 'Unprocessable'),
        '431': ref('responses', 'HeaderFieldsTooLarge'),
        ...(version === 'v3' ? V3_ANSWERS : V2_ANSWERS),
      },
    },
  };
}

export const OPENAPI_DOCUMENT = {
  openapi: '3.0.3',
  info: {
    title: 'Herald Push Service',
    version: PACKAGE_VERSION,
    description:
      "The MongoosePush-compatible REST API of Herald's XMPP Push Service role: MongooseIM's " +
      'mod_push_service_mongoosepush sends here. One TLS port serves HTTP/2 and HTTP/1.1. Bodies are limited to ' +
      'rest.body_limit_bytes and must arrive within rest.body_timeout_ms.',
    license: { name: 'Apache-2.0' },
  },
  // Either scheme list applies: none when rest.auth_tokens is empty, the bearer token otherwise.
  security: [{}, { bearerAuth: [] }],
  paths: {
    '/v1/notification/{device_id}': notificationPath('v1'),
    '/v2/notification/{device_id}': notificationPath('v2'),
    '/v3/notification/{device_id}': notificationPath('v3'),
    '/healthcheck': {
      get: {
        operationId: 'healthcheck',
        summary: 'Health of the provider connections (MongoosePush format, draft-inadarei-api-health-check)',
        description: 'Read from the senders\' own connection state; never sends work through them.',
        responses: {
          '200': { description: 'At least one pool has a connected connection.', content: { 'application/json': { schema: ref('schemas', 'HealthReport') } } },
          '503': { description: 'Every pool is down.', content: { 'application/json': { schema: ref('schemas', 'HealthReport') } } },
          '401': ref('responses', 'Unauthorized'),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition format 0.0.4)',
        description:
          'Sent, rejected by reason, retries, timeouts, in flight, mailbox depth, connection states, send-latency histogram, REST answers by status.',
        responses: {
          '200': { description: 'The exposition text.', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } },
          '401': ref('responses', 'Unauthorized'),
        },
      },
    },
    '/swagger.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        responses: {
          '200': { description: 'The OpenAPI 3.0 document.', content: { 'application/json': { schema: { type: 'object' } } } },
          '401': ref('responses', 'Unauthorized'),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description:
          'RFC 6750 Authorization: Bearer <token>, required on every path when rest.auth_tokens is set (any listed ' +
          'token is accepted); otherwise no authentication (MongoosePush has none and relies on a loopback bind).',
      },
    },
    parameters: {
      DeviceId: {
        name: 'device_id',
        in: 'path',
        required: true,
        description:
          "The provider's device token: APNS 64+ hex digits, FCM registration token. MongooseIM sends it as is " +
          '(not URL-encoded); percent escapes from other clients are decoded.',
        schema: { type: 'string', minLength: 1 },
        example: 'f53453455',
      },
    },
    schemas: {
      DeepNotification: {
        type: 'object',
        description: 'The v2/v3 body. Unknown fields are refused; at least one of alert and data is required.',
        required: ['service'],
        additionalProperties: false,
        anyOf: [{ required: ['alert'] }, { required: ['data'] }],
        properties: {
          service: SERVICE,
          mode: MODE,
          priority: {
            type: 'string',
            enum: ['normal', 'high'],
            description:
              'FCM android.priority as is; APNS apns-priority normal → 5, high → 10 (background pushes are always 5). ' +
              'Unset: the provider default for the kind of push.',
            example: 'high',
          },
          time_to_live: count(
            'Seconds the provider may keep the notification for an offline device: FCM android.ttl (at most 28 days), ' +
              'APNS apns-expiration = now + time_to_live (0: one delivery attempt). Unset: the configured default.',
            3600,
          ),
          mutable_content: {
            description:
              'APNS aps.mutable-content: 1 (a notification service extension may rewrite the alert); alerts only. ' +
              'The string forms MongooseIM sends ("true", "false") are accepted and cast.',
            oneOf: [{ type: 'boolean', example: true }, { type: 'string', enum: ['true', 'false'], example: 'true' }],
            example: true,
          },
          tags: {
            type: 'array',
            items: { type: 'string' },
            description: 'Choose a pool whose tags include all of these.',
            example: ['beta'],
          },
          topic: TOPIC,
          alert: ref('schemas', 'Alert'),
          data: DATA,
        },
      },
      Alert: {
        type: 'object',
        description: 'A visible notification. Absent: a silent push. Unknown fields are refused.',
        required: ['title', 'body'],
        additionalProperties: false,
        properties: { title: TITLE, body: BODY, badge: BADGE, click_action: CLICK_ACTION, tag: TAG, sound: SOUND },
        example: { title: 'alice@localhost', body: 'OH, HAI!', badge: 1, click_action: 'myactivity', tag: 'alice@localhost', sound: 'default' },
      },
      FlatNotification: {
        type: 'object',
        description: 'The v1 body: the alert fields at the top level. Unknown fields are refused.',
        required: ['service', 'title', 'body'],
        additionalProperties: false,
        properties: {
          service: SERVICE,
          mode: MODE,
          title: TITLE,
          body: BODY,
          badge: BADGE,
          click_action: CLICK_ACTION,
          tag: TAG,
          topic: TOPIC,
          data: DATA,
        },
      },
      InvalidValue: {
        type: 'object',
        required: ['title', 'source', 'message'],
        properties: {
          title: { type: 'string', enum: ['Invalid value'] },
          source: {
            type: 'object',
            required: ['pointer'],
            properties: { pointer: { type: 'string', description: 'RFC 6901 JSON pointer into the body; "" is the whole body.' } },
          },
          message: { type: 'string', description: "OpenApiSpex's wording, e.g. \"Missing field: service\"." },
        },
      },
      HealthReport: {
        type: 'object',
        required: ['description', 'details', 'releaseID', 'status', 'version'],
        properties: {
          description: { type: 'string' },
          details: {
            type: 'object',
            description: 'One entry per pool, keyed "pool:<name>", and "store": the LMDB store against store.max_size_mib (fail while full: new registrations and nodes are refused).',
            additionalProperties: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  output: {
                    type: 'object',
                    properties: {
                      connected: { type: 'integer' },
                      disconnected: { type: 'integer' },
                      used_bytes: { type: 'integer', description: 'store: bytes in use' },
                      max_bytes: { type: 'integer', description: 'store: store.max_size_mib in bytes' },
                    },
                  },
                  status: { type: 'string', enum: ['pass', 'fail'] },
                  time: { type: 'string', format: 'date-time' },
                },
              },
            },
          },
          releaseID: { type: 'string', description: "Herald's version." },
          status: { type: 'string', enum: ['pass', 'fail', 'warn'], description: 'warn: pools up, but the store is full.' },
          version: { type: 'string', description: 'The major version.' },
        },
      },
    },
    responses: {
      Sent: {
        description: 'The provider accepted the notification. The body is the JSON document null.',
        content: { 'application/json': { schema: { type: 'object', nullable: true, enum: [null] }, example: null } },
      },
      Unprocessable: {
        description: 'The body is not JSON, or does not fit the schema: every problem is listed (at most 32).',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['errors'],
              properties: { errors: { type: 'array', items: ref('schemas', 'InvalidValue') } },
            },
            example: { errors: [{ title: 'Invalid value', source: { pointer: '/service' }, message: 'Missing field: service' }] },
          },
        },
      },
      Unauthorized: {
        ...reasonBody(['unauthorized'], 'rest.auth_tokens is set and the request has no Authorization: Bearer with one of them.'),
        headers: { 'WWW-Authenticate': { description: 'RFC 6750 §3', schema: { type: 'string', enum: ['Bearer'] } } },
      },
      BodyTimeout: reasonBody(
        ['request_timeout'],
        'The body did not arrive within rest.body_timeout_ms (or, on HTTP/1.1, the request line and headers within rest.headers_timeout_ms).',
      ),
      BadRequest: reasonBody(['bad_request'], 'Not HTTP/1.1 as RFC 9112 defines it (bad framing, Content-Length with Transfer-Encoding, no Host, …); the connection is closed.'),
      UriTooLong: reasonBody(['uri_too_long'], 'The request target is longer than rest.max_url_bytes.'),
      HeaderFieldsTooLarge: reasonBody(
        ['header_fields_too_large'],
        'The header section is larger than rest.max_header_bytes, sized as RFC 9113 §6.5.2 sizes an HTTP/2 header list (name + value + 32 per field).',
      ),
    },
  },
} as const;
