/**
 * A REST answer as data: status and the exact JSON text of the body. Fixed answers are built
 * once at load time, so the hot path only picks one.
 */
export interface RestResponse {
  readonly status: number;
  /** JSON text; MongoosePush answers success with the JSON document `null`. */
  readonly body: string;
  /** Headers beyond content-type and content-length (e.g. WWW-Authenticate on a 401). */
  readonly headers?: Readonly<Record<string, string>>;
}

export function jsonResponse(status: number, value: unknown, headers?: Record<string, string>): RestResponse {
  const body = JSON.stringify(value);
  return Object.freeze(headers ? { status, body, headers: Object.freeze({ ...headers }) } : { status, body });
}

/** Answers outside any API version (no route matched, wrong method, body never finished). */
export const NOT_FOUND = jsonResponse(404, { reason: 'not_found' });
/** RFC 9110 §15.5.6: a 405 MUST carry an Allow header (the server adds `Allow: POST`). */
export const METHOD_NOT_ALLOWED = jsonResponse(405, { reason: 'method_not_allowed' });
/** RFC 9110 §15.5.9: the client did not finish its request within the server's wait. */
export const BODY_TIMEOUT = jsonResponse(408, { reason: 'request_timeout' });
