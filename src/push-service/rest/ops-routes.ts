/**
 * `GET /healthcheck` and `GET /metrics` (MongoosePush's operational endpoints, reference:
 * mongoosepush-api.md). They sit behind the same bearer check as the notification routes.
 */
import type { OpsSource } from '../ops/ops-source.js';
import { METRICS_CONTENT_TYPE } from '../ops/metrics.js';
import { jsonResponse, type RestResponse } from './rest-response.js';

/** RFC 9110 §15.5.6: the Allow header of a 405 on these paths. */
const GET_ONLY = jsonResponse(405, { reason: 'method_not_allowed' }, { allow: 'GET' });

const OPS_PATHS: ReadonlySet<string> = new Set(['/healthcheck', '/metrics']);

/** The path without its query, when it names an ops route; undefined otherwise. */
export function matchOpsPath(url: string): string | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return OPS_PATHS.has(path) ? path : undefined;
}

/** The answer for an ops route; `rest` = the REST answers counted so far, by status. */
export function opsResponse(ops: OpsSource, path: string, method: string | undefined, rest: ReadonlyMap<number, number>): RestResponse {
  if (method !== 'GET') return GET_ONLY;
  if (path === '/healthcheck') {
    const report = ops.health();
    return jsonResponse(report.status, report.body);
  }
  return { status: 200, body: ops.metrics(rest), headers: { 'content-type': METRICS_CONTENT_TYPE } };
}
