/**
 * The answers of the REST API as zod schemas, the other half of the contract `/swagger.json` is
 * generated from (openapi.ts): MongoosePush's `{"reason": …}` (v3) and `{"details": …}` (v1/v2)
 * bodies, the 422 cast errors, the health report. test/rest/openapi.test.ts holds each reason
 * list to what the mappers and the error registry (core/errors.ts) give, and
 * test/rest/openapi-answers.test.ts validates real answers against the served document.
 */
import * as z from 'zod';

/** `{"reason": one of reasons}`, the v3 failure body and every answer the REST port gives itself. */
export function reasonBody(reasons: readonly [string, ...string[]]) {
  return z.strictObject({ reason: z.enum(reasons) }).meta({ example: { reason: reasons[0] } });
}

/** `{"details": …}`, MongoosePush's v1/v2 failure body. */
export function detailsBody(details: z.ZodString | z.ZodEnum, example: string) {
  return z.strictObject({ details }).meta({ example: { details: example } });
}

/** 200: the JSON document `null`. */
export const Sent = z.null();

export const InvalidValue = z.object({
  title: z.enum(['Invalid value']),
  source: z.object({ pointer: z.string().meta({ description: 'RFC 6901 JSON pointer into the body; "" is the whole body.' }) }),
  message: z.string().meta({ description: "OpenApiSpex's wording, e.g. \"Missing field: service\"." }),
});

export const Unprocessable = z.object({ errors: z.array(InvalidValue) }).meta({
  example: { errors: [{ title: 'Invalid value', source: { pointer: '/service' }, message: 'Missing field: service' }] },
});

const checkTime = z.string().meta({ format: 'date-time' });
/** A pool's check; `componentId` tells a sharded Herald's threads apart (`shard-<i>`; none for the main thread's). */
const poolCheck = z.object({
  componentId: z.string().optional(),
  output: z.object({ connected: z.int(), disconnected: z.int() }),
  status: z.enum(['pass', 'warn', 'fail']),
  time: checkTime,
});
const storeCheck = z.object({
  output: z.object({ used_bytes: z.int().meta({ description: 'bytes in use' }), max_bytes: z.int().meta({ description: 'store.max_size_mib in bytes' }) }),
  status: z.enum(['pass', 'fail']),
  time: checkTime,
});
const shardCheck = z.object({
  componentId: z.string(),
  output: z.object({ state: z.enum(['up', 'down', 'not_answering']), live_users: z.int().optional(), live_nodes: z.int().optional() }),
  status: z.enum(['pass', 'fail']),
  time: checkTime,
});

export const HealthReport = z.object({
  description: z.string(),
  details: z.record(z.string(), z.array(z.union([poolCheck, storeCheck, shardCheck]))).meta({
    description:
      'One entry per pool, keyed "pool:<name>"; "store": the LMDB store against store.max_size_mib (fail while full: new ' +
      'registrations and nodes are refused); "shard" (sharded): one entry per shard.',
  }),
  releaseID: z.string().meta({ description: "Herald's version." }),
  status: z.enum(['pass', 'fail', 'warn']).meta({ description: 'warn: pushes flow, but the store is full or a shard or sender thread is down.' }),
  version: z.string().meta({ description: 'The major version.' }),
});
