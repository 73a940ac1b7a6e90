/**
 * `rest.max_url_bytes` and `rest.max_header_bytes`, checked on every request before anything
 * else, the same way on HTTP/1.1 and HTTP/2. Pure.
 *
 * A header section is sized as RFC 9113 §6.5.2 sizes an HTTP/2 header list: "the uncompressed
 * size of field lines, including the length of the name and value in octets plus an overhead of
 * 32 octets for each field line". HTTP/2's raw headers include the pseudo-header fields; an
 * HTTP/1.1 request line counts as the :method and :path fields it would be. Field names and
 * values reach JavaScript as latin1 strings (one character per octet), so lengths are octets.
 */
import type { RequestShed } from '../push-service/ops/rest-counters.js';
import type { HttpRequest } from './write-answer.js';

/** RFC 9113 §6.5.2: per-field overhead of a header list's size. */
export const FIELD_OVERHEAD_OCTETS = 32;
/** An HTTP/1.1 request line sized as the `:method` and `:path` fields it becomes in HTTP/2. */
const REQUEST_LINE_FIELDS = ':method'.length + ':path'.length + 2 * FIELD_OVERHEAD_OCTETS;

export interface HeaderLimits {
  readonly maxUrlBytes: number;
  readonly maxHeaderBytes: number;
}

/** The limit the request's head exceeds (414 / 431), or undefined. */
export function headerLimitExceeded(req: HttpRequest, limits: HeaderLimits): Extract<RequestShed, 'url_bytes' | 'header_bytes'> | undefined {
  const url = req.url ?? '';
  if (url.length > limits.maxUrlBytes) return 'url_bytes';
  const raw = req.rawHeaders;
  let size = (raw.length / 2) * FIELD_OVERHEAD_OCTETS;
  for (let i = 0; i < raw.length; i++) size += raw[i]!.length;
  // HTTP/2's raw headers already hold :method and :path.
  if (!('stream' in req)) size += REQUEST_LINE_FIELDS + (req.method ?? '').length + url.length;
  return size > limits.maxHeaderBytes ? 'header_bytes' : undefined;
}
