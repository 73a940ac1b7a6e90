/**
 * The OpenAPI 3.1 document of the REST API, served at `GET /swagger.json` (as MongoosePush does),
 * generated once at load: the bodies' schemas come from the zod contract (notification-schemas.ts,
 * answer-schemas.ts) through zod 4's JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect);
 * this file adds the paths, statuses and descriptions around them. test/rest/openapi.test.ts holds
 * the document to the validators, the mappers and the error registry;
 * test/rest/openapi-contract.test.ts holds the zod schemas to the hand validators on generated
 * bodies; test/rest/openapi-answers.test.ts validates real answers against the served document.
 *
 * Reference: OpenAPI Specification 3.1.0 (spec.openapis.org/oas/v3.1.0); the contract itself is
 * MongoosePush 2.x as MongooseIM's mod_push_service_mongoosepush uses it (mongoosepush-api.md).
 */
import { createRequire } from 'node:module';
import * as z from 'zod';
import { detailsBody, HealthReport, InvalidValue, reasonBody, Sent, Unprocessable } from './answer-schemas.js';
import { IN_FLIGHT_RETRY_AFTER_S, REPLAYED_HEADER } from './idempotency/idempotency-answers.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency/idempotency-key.js';
import { Alert, DeepNotification, FlatNotification } from './notification-schemas.js';

const PACKAGE_VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

const ref = (kind: 'schemas' | 'responses' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The named schemas, as `#/components/schemas/<id>`. */
const COMPONENTS = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries({ DeepNotification, Alert, FlatNotification, InvalidValue, Unprocessable, HealthReport })) COMPONENTS.add(schema, { id });

/** A schema object of the document: zod's JSON Schema without `$schema` / `$id` (the document's dialect is 2020-12). */
function schemaObject(json: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, $id: _id, ...schema } = json;
  return schema;
}

/** An inline schema (the answers' bodies, which name no component). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return schemaObject(z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>);
}

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(COMPONENTS, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, json]) => [id, schemaObject(json as Record<string, unknown>)]));
}

function jsonAnswer(description: string, schema: Record<string, unknown>): Record<string, unknown> {
  return { description, content: { 'application/json': { schema } } };
}

function reasonAnswer(reasons: readonly [string, ...string[]], description: string): Record<string, unknown> {
  return jsonAnswer(description, jsonSchema(reasonBody(reasons)));
}

/** Statuses and reasons of v3, one row per PushFailureReason (v3-responses.ts). */
const V3_ANSWERS = {
  '400': reasonAnswer(
    ['invalid_request', 'no_matching_pool', 'invalid_notification', 'bad_request', 'idempotency_key_invalid'],
    'invalid_request: the provider refused the device token or request (APNS BadDeviceToken, DeviceTokenNotForTopic, ' +
      'TopicDisallowed, Forbidden, PayloadEmpty; FCM INVALID_ARGUMENT). no_matching_pool: no pool serves this ' +
      'service, mode and tags. invalid_notification: the notification cannot be sent as given. bad_request: not ' +
      'HTTP/1.1 as RFC 9112 defines it (bad framing, Content-Length with Transfer-Encoding, no Host, …); the ' +
      'connection is closed. idempotency_key_invalid: the Idempotency-Key header is malformed (see the parameter).',
  ),
  '410': reasonAnswer(
    ['unregistered'],
    'The device token is no longer valid (APNS 410 Unregistered, FCM UNREGISTERED). MongooseIM disables the ' +
      "user's push registration on this status, and on no other.",
  ),
  '413': reasonAnswer(['payload_too_large'], 'The body is over rest.body_limit_bytes, or the provider payload over its limit (APNS 4 KB).'),
  '429': reasonAnswer(['too_many_requests'], "The provider's rate limit, or Herald's own backpressure (every sender mailbox full)."),
  '500': reasonAnswer(
    ['request_timeout', 'outcome_unknown'],
    'request_timeout: no answer in time, or any other failure of Herald ("anything else" in MongoosePush). ' +
      'outcome_unknown: see the Idempotency-Key parameter.',
  ),
  '503': reasonAnswer(
    ['service_internal', 'internal_config', 'unable_to_connect', 'connection_lost', 'overloaded'],
    'service_internal: the provider is down or failed internally, or refused our credentials (masked), or Herald ' +
      'is shutting down. ' +
      'internal_config: the provider refused our configuration (bad or missing topic). unable_to_connect / ' +
      'connection_lost: no connection to the provider, or it was lost before the answer. overloaded: Herald shed ' +
      'the request (rest.max_pending_body_bytes, rest.max_pending_body_bytes_per_connection, or more pipelined ' +
      'HTTP/1.1 requests than rest.max_streams_per_connection); a later attempt may succeed.',
  ),
  '520': reasonAnswer(['unspecified'], 'The provider answered an error of no known kind (FCM UNSPECIFIED_ERROR).'),
};

/** v1/v2 answers (v2-responses.ts): MongoosePush's `{"details": …}`. */
const V2_ANSWERS = {
  '413': jsonAnswer('The body is over rest.body_limit_bytes.', jsonSchema(detailsBody(z.enum(['Request Entity Too Large']), 'Request Entity Too Large'))),
  '500': jsonAnswer(
    "Every failure but unable_to_connect, with the provider's own reason (e.g. BadDeviceToken, Unregistered) or " +
      "Herald's reason when the provider gave none. On v1/v2 an unregistered device is a 500, as upstream: use v3. " +
      '{"reason": "outcome_unknown"}: see the Idempotency-Key parameter.',
    jsonSchema(z.union([detailsBody(z.string(), 'Unregistered'), reasonBody(['outcome_unknown'])])),
  ),
  '503': jsonAnswer(
    'No connection to the provider could be made, or Herald shed the request under load (see the v3 503 overloaded).',
    jsonSchema(detailsBody(z.enum(['Please try again later']), 'Please try again later')),
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
      parameters: [ref('parameters', 'DeviceId'), ref('parameters', 'IdempotencyKey')],
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
        '409': ref('responses', 'IdempotencyKeyInFlight'),
        '422': ref('responses', 'Unprocessable'),
        '431': ref('responses', 'HeaderFieldsTooLarge'),
        ...(version === 'v3' ? V3_ANSWERS : V2_ANSWERS),
      },
    },
  };
}

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
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
          '200': jsonAnswer('At least one pool has a connected connection.', ref('schemas', 'HealthReport')),
          '503': jsonAnswer('Every pool is down.', ref('schemas', 'HealthReport')),
          '401': ref('responses', 'Unauthorized'),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition format 0.0.4)',
        description:
          "Herald's families (sent, rejected by reason, retries, timeouts, in flight, mailbox depth, connection states, " +
          'send-latency histogram, REST answers and load shedding, live actors, store, shards) and the process and ' +
          'Node.js runtime families (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, heap, GC).',
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
          '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } },
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
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'draft-ietf-httpapi-idempotency-key-header: makes a retry safe. An RFC 8941 sf-string ("…") or the bare ' +
          `value, printable ASCII, 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (else 400 idempotency_key_invalid); a UUID per ` +
          'notification is recommended. The first request with a key claims it (in the store every instance shares), ' +
          'pushes, and records its answer; a retry with the same key, API version, device and body bytes gets that ' +
          `answer again with the header ${REPLAYED_HEADER}: true and is not pushed again. While the first is ` +
          'still being processed a retry gets 409 idempotency_key_in_flight; the key with another version, device or ' +
          'body gets 422 idempotency_key_reused. If the instance that claimed the key stopped before recording an ' +
          'answer (rest.idempotency.lease_ms passed), a retry gets 500 outcome_unknown: the notification may have ' +
          'reached the device, and it is not sent again. Answers that sent nothing and invite a retry ' +
          '(unable_to_connect, too_many_requests, service_internal, overloaded) keep no record: the retry pushes. Keys ' +
          'are kept rest.idempotency.retention_ms (a day by default), then may be used again.',
        schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH + 2 },
        example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
      },
    },
    schemas: componentSchemas(),
    responses: {
      Sent: jsonAnswer('The provider accepted the notification. The body is the JSON document null.', jsonSchema(Sent)),
      Unprocessable: jsonAnswer(
        'The body is not JSON, or does not fit the schema: every problem is listed (at most 32). ' +
          '{"reason": "idempotency_key_reused"}: the Idempotency-Key came with another API version, device or body.',
        { anyOf: [ref('schemas', 'Unprocessable'), jsonSchema(reasonBody(['idempotency_key_reused']))] },
      ),
      IdempotencyKeyInFlight: {
        ...reasonAnswer(['idempotency_key_in_flight'], 'A request with this Idempotency-Key is still being processed: retry after Retry-After.'),
        headers: { 'Retry-After': { description: 'RFC 9110 §10.2.3, seconds', schema: { type: 'integer', enum: [IN_FLIGHT_RETRY_AFTER_S] } } },
      },
      Unauthorized: {
        ...reasonAnswer(['unauthorized'], 'rest.auth_tokens is set and the request has no Authorization: Bearer with one of them.'),
        headers: { 'WWW-Authenticate': { description: 'RFC 6750 §3', schema: { type: 'string', enum: ['Bearer'] } } },
      },
      BodyTimeout: reasonAnswer(
        ['request_timeout'],
        'The body did not arrive within rest.body_timeout_ms (or, on HTTP/1.1, the request line and headers within rest.headers_timeout_ms).',
      ),
      BadRequest: reasonAnswer(
        ['bad_request', 'idempotency_key_invalid'],
        'bad_request: not HTTP/1.1 as RFC 9112 defines it (bad framing, Content-Length with Transfer-Encoding, no Host, …); the connection is closed. ' +
          'idempotency_key_invalid: the Idempotency-Key header is malformed (see the parameter).',
      ),
      UriTooLong: reasonAnswer(['uri_too_long'], 'The request target is longer than rest.max_url_bytes.'),
      HeaderFieldsTooLarge: reasonAnswer(
        ['header_fields_too_large'],
        'The header section is larger than rest.max_header_bytes, sized as RFC 9113 §6.5.2 sizes an HTTP/2 header list (name + value + 32 per field).',
      ),
    },
  },
};
