/**
 * `GET /healthcheck`, `GET /metrics` and `GET /swagger.json` (MongoosePush's operational
 * endpoints, reference: mongoosepush-api.md). They sit behind the same bearer check as the
 * notification routes: with `rest.auth_tokens` set, nothing about the service (its health, its
 * traffic, its API) is told to an unauthenticated client. MongooseIM never reads them; whoever
 * scrapes or browses them sends the token like any other client.
 */
import type { HealthReport } from '../push-service/ops/healthcheck.js';
import type { OpsSource } from '../push-service/ops/ops-source.js';
import { METRICS_CONTENT_TYPE } from '../push-service/ops/metrics.js';
import type { RestMetricsSource } from '../push-service/ops/rest-metrics.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { NOT_FOUND, jsonResponse, type RestResponse } from './rest-response.js';
import { renderRuntimeMetrics } from '../push-service/ops/runtime-metrics.js';

/** RFC 9110 §15.5.6: the Allow header of a 405 on these paths. */
const GET_ONLY = jsonResponse(405, { reason: 'method_not_allowed' }, { allow: 'GET' });

/** The OpenAPI document never changes while the process runs: encoded once. */
const SWAGGER = jsonResponse(200, OPENAPI_DOCUMENT);

const OPS_PATHS: ReadonlySet<string> = new Set(['/healthcheck', '/metrics', '/swagger.json']);

/** The path without its query, when it names an ops route; undefined otherwise. */
export function matchOpsPath(url: string): string | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return OPS_PATHS.has(path) ? path : undefined;
}

/**
 * The answer for an ops route. Without an ops source, `/healthcheck` and `/metrics` are 404 (the
 * document is always served). A promise when the source answers later (a sharded Herald asks
 * its shards; each answers within shards.ops_timeout_ms or is reported as not answering).
 */
export function opsResponse(
  ops: OpsSource | undefined,
  path: string,
  method: string | undefined,
  rest: RestMetricsSource,
): RestResponse | Promise<RestResponse> {
  if (path === '/swagger.json') return method === 'GET' ? SWAGGER : GET_ONLY;
  if (ops === undefined) return NOT_FOUND;
  if (method !== 'GET') return GET_ONLY;
  if (path === '/healthcheck') {
    const report = ops.health();
    return report instanceof Promise ? report.then(healthResponse) : healthResponse(report);
  }
  return Promise.all([ops.metrics(rest), renderRuntimeMetrics()]).then(([text, runtime]) => metricsResponse(text + runtime));
}

function healthResponse(report: HealthReport): RestResponse {
  return jsonResponse(report.status, report.body);
}

/** Herald's families (the REST port's among them, read after the shards answered), then the runtime's. */
function metricsResponse(body: string): RestResponse {
  return { status: 200, body, headers: { 'content-type': METRICS_CONTENT_TYPE } };
}
