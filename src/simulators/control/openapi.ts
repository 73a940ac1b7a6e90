/**
 * The OpenAPI 3.1 document of the simulators' control API, served at `GET /openapi.json` on the
 * control port, generated once at load. Bodies are described in zod and turned into JSON Schema
 * (draft 2020-12, OpenAPI 3.1's dialect) as ../../rest/openapi.ts does; the checks themselves are
 * device-programs.ts and ../shared/fault-settings.ts (test/simulators/control-openapi.test.ts
 * holds the two to each other and validates real answers against the served document).
 *
 * Reference: OpenAPI Specification 3.1.0 (spec.openapis.org/oas/v3.1.0).
 */
import * as z from 'zod';
import { FCM_ERROR_STATUS } from '../fcm/fcm-errors.js';
import { SERVICES } from './deliveries.js';
import { DEVICE_ANSWERS } from './device-programs.js';

const ref = (kind: 'schemas' | 'responses' | 'parameters', name: string) => ({ $ref: `#/components/${kind}/${name}` });
const headerMap = z.record(z.string(), z.string());
const count = z.number().int().nonnegative();

const Problem = z.strictObject({
  error: z.string().describe('What is wrong, in words.'),
  field: z.string().optional().describe('422: the field of the body at fault.'),
});

const WireAnswer = z.strictObject({
  status: z.number().int(),
  headers: headerMap.describe('As written, pseudo-headers apart.'),
  body: z.string().optional().describe("APNS: Apple's {reason[, timestamp]}; FCM: the google.rpc error or {name}; Web Push: autopush's {code, errno, error, message, more_info}. Absent when empty."),
});

const Delivery = z.strictObject({
  id: z.number().int().positive().describe('1, 2, … in arrival order across the simulators and outcomes; never reused.'),
  service: z.enum(SERVICES),
  device: z.string().describe("The device token, or Web Push subscription id ('' when the request named none)."),
  endpoint: z.string().optional().describe("Web Push: the subscription's endpoint URL."),
  topic: z.string().optional().describe("APNS: the topic; FCM: the message's topic target; Web Push: the Topic header."),
  outcome: z.enum(['accepted', 'rejected', 'faulted']),
  receivedAt: z.number().describe('Simulator clock, ms since the epoch: when the body was read.'),
  headers: headerMap.optional().describe('Accepted: APNS the apns-* headers sent; Web Push ttl, urgency, topic.'),
  payload: z.unknown().optional().describe("Parsed JSON, else text (APNS: the notification; FCM: the body's message; Web Push: the decrypted plaintext)."),
  answer: z.strictObject({ status: z.number().int().optional(), reason: z.string().optional(), fault: z.string().optional() }),
  request: z
    .strictObject({
      method: z.string(),
      path: z.string(),
      headers: headerMap.describe("Every header as sent, duplicates joined; the authorization's signature elided."),
      bodyBytes: count,
      body: z.string().optional().describe('GET /deliveries/{id} only: the body as received (APNS up to 5121 bytes, FCM 8 KiB; Web Push none: it is ciphertext, see payload).'),
    })
    .optional()
    .describe('While the simulator records.'),
  payloadText: z.string().optional().describe('GET /deliveries/{id} only: the payload pretty-printed (2-space indent).'),
  response: WireAnswer.optional().describe('The answer as written; absent for a transport fault.'),
  answeredAt: z.number().optional().describe('When the answer went out (after latency); absent while held or never answered.'),
  durationMs: z.number().optional(),
});

const DeliveryPage = z.strictObject({
  deliveries: z.array(Delivery).describe('Newest first; without request bodies and payloadText.'),
  next: z.number().int().optional().describe('Pass as `before` for the next page; absent on the last.'),
});

const DeviceProgram = z
  .strictObject({
    answer: z.enum(DEVICE_ANSWERS).optional().describe('APNS 410 Unregistered / 400 BadDeviceToken / 429 TooManyRequests / 5xx; FCM UNREGISTERED / INVALID_ARGUMENT / QUOTA_EXCEEDED / INTERNAL|UNAVAILABLE; Web Push 410 gone / 404 not-found / 429 / 500|503.'),
    status: z.union([z.literal(500), z.literal(503)]).optional().describe('With answer server_error; default 503.'),
    unregisteredAt: count.optional().describe("APNS, with answer unregistered: the 410 body's timestamp, ms since the epoch."),
    fcmError: z.enum(Object.keys(FCM_ERROR_STATUS) as [string, ...string[]]).optional().describe('FCM: any FcmError code instead of answer.'),
    retryAfterS: count.optional().describe('Retry-After, seconds, with an answer.'),
    latencyMs: count.optional().describe('Extra delay before the answer or fault, ms.'),
    drop: z.boolean().optional().describe('true: drop the connection instead of answering.'),
    fault: z.enum(['refuse-stream', 'goaway', 'drop-connection', 'hang']).optional(),
    goawayReason: z.string().optional().describe('APNS, FCM, with fault goaway: the reason in the GOAWAY debug data.'),
    times: z.number().int().positive().optional().describe('Only the next n requests; default until removed.'),
  })
  .describe('At most one of answer, fcmError, fault, drop: true; latencyMs alone is a slow device (the usual answer, delayed).');

const ErrorBurst = { count: z.number().int().positive().optional(), durationMs: z.number().positive().optional(), retryAfterSeconds: count.optional() };

const FaultSettings = z.strictObject({
  latencyMs: z.number().nonnegative().optional(),
  jitterMs: z.number().nonnegative().optional(),
  maxConcurrentStreams: z.number().int().positive().optional(),
  dropToOneStreamAfterRejection: z.boolean().optional(),
  serverErrors: z.strictObject({ ...ErrorBurst, status: z.union([z.literal(500), z.literal(503)]).optional() }).optional(),
  tooManyRequests: z.strictObject(ErrorBurst).optional(),
  refuseStreams: count.optional(),
  goaway: z
    .strictObject({ afterRequests: count.optional(), reason: z.string().optional(), code: count.optional() })
    .optional()
    .describe('afterRequests 0 or absent: GOAWAY on every session now.'),
  dropConnections: z.strictObject({ afterRequests: count.optional() }).optional().describe('afterRequests 0 or absent: drop every connection now.'),
});

/** The named schemas, as `#/components/schemas/<id>`. */
const SCHEMAS = { Problem, WireAnswer, Delivery, DeliveryPage, DeviceProgram, FaultSettings };
const COMPONENTS = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries(SCHEMAS)) COMPONENTS.add(schema, { id });

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(COMPONENTS, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, json]) => {
      const { $schema: _dialect, $id: _id, ...schema } = json as Record<string, unknown>;
      return [id, schema];
    }),
  );
}

const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const done = (description: string) => ({ description });
/** Answers every route may give. */
const COMMON = { '401': ref('responses', 'Unauthorized'), '405': ref('responses', 'MethodNotAllowed') };
const WITH_BODY = { '400': ref('responses', 'BadJson'), '413': ref('responses', 'TooLarge'), '422': ref('responses', 'Unprocessable') };

export const CONTROL_OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Herald simulators control API',
    version: '1',
    description:
      'JSON over HTTP/1.1 beside the bundled APNS and FCM simulators ([simulators.control]; loopback by default, ' +
      '`herald start` logs its URL): the deliveries they saw, per-device programs and fault modes. A bearer token ' +
      'when simulators.control.auth_token is set (required beyond loopback).',
  },
  security: [{}, { bearerAuth: [] }],
  paths: {
    '/deliveries': {
      get: {
        operationId: 'listDeliveries',
        summary: 'Deliveries kept (accepted, rejected, faulted), newest first, paged',
        parameters: [
          { name: 'service', in: 'query', schema: { type: 'string', enum: [...SERVICES] } },
          { name: 'device', in: 'query', schema: { type: 'string' }, description: 'APNS tokens match whatever their case.' },
          { name: 'topic', in: 'query', schema: { type: 'string' } },
          { name: 'since', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'receivedAt at or after, ms since the epoch.' },
          { name: 'before', in: 'query', schema: { type: 'integer', minimum: 0 }, description: 'Cursor: ids below this (the previous page\'s next).' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 }, description: 'Page size, at most simulators.control.max_page_size.' },
        ],
        responses: { '200': json('One page.', ref('schemas', 'DeliveryPage')), '400': ref('responses', 'BadQuery'), ...COMMON },
      },
      delete: { operationId: 'clearDeliveries', summary: 'Forget every delivery and counter', responses: { '204': done('Cleared.'), ...COMMON } },
    },
    '/deliveries/{id}': {
      get: {
        operationId: 'getDelivery',
        summary: 'One delivery whole: the request as sent, the answer given, timings',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        responses: { '200': json('The delivery.', ref('schemas', 'Delivery')), '404': ref('responses', 'NotFound'), ...COMMON },
      },
    },
    '/devices/{service}/{token}': {
      parameters: [ref('parameters', 'Service'), { name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
      put: {
        operationId: 'programDevice',
        summary: "Program a device's next answers (replaces its program)",
        requestBody: { required: true, content: { 'application/json': { schema: ref('schemas', 'DeviceProgram') } } },
        responses: { '204': done('Programmed.'), '404': ref('responses', 'NotFound'), ...WITH_BODY, ...COMMON },
      },
      delete: {
        operationId: 'clearDevice',
        summary: "Remove a device's program",
        responses: { '204': done('Removed (or there was none).'), '404': ref('responses', 'NotFound'), ...COMMON },
      },
    },
    '/devices/{service}': {
      parameters: [ref('parameters', 'Service')],
      delete: { operationId: 'clearDevices', summary: 'Remove every program', responses: { '204': done('Removed.'), '404': ref('responses', 'NotFound'), ...COMMON } },
    },
    '/faults/{service}': {
      parameters: [ref('parameters', 'Service')],
      get: {
        operationId: 'getFaults',
        summary: 'The fault modes in force (counts and durations: what is left)',
        responses: { '200': json('The settings.', ref('schemas', 'FaultSettings')), '404': ref('responses', 'NotFound'), ...COMMON },
      },
      put: {
        operationId: 'setFaults',
        summary: 'Set fault modes: keys given replace theirs, others stay; goaway / dropConnections without afterRequests act now',
        requestBody: { required: true, content: { 'application/json': { schema: ref('schemas', 'FaultSettings') } } },
        responses: { '200': json('The settings now in force.', ref('schemas', 'FaultSettings')), '404': ref('responses', 'NotFound'), ...WITH_BODY, ...COMMON },
      },
      delete: { operationId: 'clearFaults', summary: 'End every fault mode', responses: { '204': done('Cleared.'), '404': ref('responses', 'NotFound'), ...COMMON } },
    },
    '/events': {
      get: {
        operationId: 'deliveryEvents',
        summary: 'The deliveries as they are kept, live: server-sent events',
        description:
          'One `delivery` event per record, its data a Delivery as listed (no body text); the newest are replayed on ' +
          'connect, oldest first. The token may come as ?token= (an EventSource cannot set headers).',
        parameters: [{ name: 'token', in: 'query', schema: { type: 'string' }, description: 'simulators.control.auth_token, instead of the header.' }],
        responses: { '200': { description: 'The stream.', content: { 'text/event-stream': { schema: { type: 'string' } } } }, '401': ref('responses', 'Unauthorized') },
      },
    },
    '/': {
      get: {
        operationId: 'inbox',
        summary: 'The push inbox page (also at /inbox; its files under /inbox/)',
        description: 'Static, holding no data: served without the token; open it as /?token=… when one is set.',
        security: [{}],
        responses: { '200': { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } } },
      },
    },
    '/openapi.json': {
      get: { operationId: 'openapi', summary: 'This document', responses: { '200': json('The OpenAPI 3.1 document.', { type: 'object' }), ...COMMON } },
    },
  },
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'simulators.control.auth_token, when set.' } },
    parameters: { Service: { name: 'service', in: 'path', required: true, schema: { type: 'string', enum: [...SERVICES] } } },
    schemas: componentSchemas(),
    responses: {
      Unauthorized: {
        ...json('A token is configured and the request has no Authorization: Bearer with it.', ref('schemas', 'Problem')),
        headers: { 'WWW-Authenticate': { schema: { type: 'string', enum: ['Bearer'] } } },
      },
      MethodNotAllowed: {
        ...json('The path has no such method.', ref('schemas', 'Problem')),
        headers: { Allow: { schema: { type: 'string' } } },
      },
      NotFound: json('No such route, delivery or service, or that simulator is not running.', ref('schemas', 'Problem')),
      BadQuery: json('A query parameter is out of range.', ref('schemas', 'Problem')),
      BadJson: json('The body is not JSON.', ref('schemas', 'Problem')),
      TooLarge: json('The body is over simulators.control.max_body_bytes.', ref('schemas', 'Problem')),
      Unprocessable: json('A field is unknown or out of range: `field` names it.', ref('schemas', 'Problem')),
    },
  },
};
