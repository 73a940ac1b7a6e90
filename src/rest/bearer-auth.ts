/**
 * Optional bearer-token authentication of REST requests (`rest.auth_tokens`). MongoosePush has
 * none (it relies on a loopback bind); MongooseIM's HTTP pool can send a fixed
 * `Authorization` header, so a token lets the API listen beyond loopback safely.
 *
 * RFC 6750 §2.1: `Authorization: Bearer <b64token>`; RFC 9110 §11.1: the scheme name is
 * case-insensitive. RFC 6750 §3: a request without valid credentials is answered 401 with
 * `WWW-Authenticate: Bearer`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { jsonResponse } from './rest-response.js';

/** True when the `Authorization` header value carries one of the configured tokens. */
export type BearerCheck = (authorization: string | undefined) => boolean;

export const UNAUTHORIZED = jsonResponse(401, { reason: 'unauthorized' }, { 'www-authenticate': 'Bearer' });

/** RFC 6750 §2.1 credentials: `Bearer` 1*SP b64token (trailing spaces tolerated). */
const BEARER_CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The check for these tokens, or undefined when there are none (authentication off).
 * Tokens are compared as SHA-256 digests: equal-length buffers for crypto.timingSafeEqual, so
 * neither a token's content nor its length leaks through timing; every token is compared (no
 * early exit), so neither does which one matched.
 */
export function bearerCheck(tokens: readonly string[]): BearerCheck | undefined {
  if (tokens.length === 0) return undefined;
  const known = tokens.map(digest);
  return (authorization) => {
    const presented = authorization === undefined ? null : BEARER_CREDENTIALS.exec(authorization);
    if (!presented) return false;
    const candidate = digest(presented[1]!);
    let matched = false;
    for (const token of known) matched = timingSafeEqual(candidate, token) || matched;
    return matched;
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
