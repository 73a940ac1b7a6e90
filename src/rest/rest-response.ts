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
/** RFC 9110 §15.5.15: the request target is longer than rest.max_url_bytes. */
export const URI_TOO_LONG = jsonResponse(414, { reason: 'uri_too_long' });
/** RFC 6585 §5: the header section is larger than rest.max_header_bytes. */
export const HEADER_FIELDS_TOO_LARGE = jsonResponse(431, { reason: 'header_fields_too_large' });
/** RFC 9112 §3.2: an HTTP/1.1 request without Host, or anything the HTTP/1.1 parser cannot read. */
export const BAD_REQUEST = jsonResponse(400, { reason: 'bad_request' });
