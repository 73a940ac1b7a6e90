/**
 * The notification route per API version. Every version shares the path shape and the request
 * pipeline (read body → JSON → cast → dispatch → answer); a version only chooses its schema and
 * how outcomes are written. v1 has the flat schema and v2's `{"details": …}` answers
 * (MongoosePush serves v1 and v2 through the same response encoder).
 */
import type { PushOutcome } from '../push-service/notification.js';
import type { NotificationParseResult } from './cast.js';
import { parseDeepNotification } from './deep-schema.js';
import { parseFlatNotification } from './flat-schema.js';
import type { RestResponse } from './rest-response.js';
import { V2_BODY_TOO_LARGE, V2_TRY_LATER, v2Response } from './v2-responses.js';
import { V3_BODY_TOO_LARGE, V3_OVERLOADED, v3Response } from './v3-responses.js';

export interface NotificationRoute {
  /** Validates and casts the parsed JSON body; the device id comes from the path. */
  parse(body: unknown, deviceId: string): NotificationParseResult;
  /** The answer for a dispatch outcome. */
  respond(outcome: PushOutcome): RestResponse;
  /** The answer for a body over `rest.body_limit_bytes`. */
  readonly bodyTooLarge: RestResponse;
  /** The answer for a request shed under load (pending body bytes, requests per connection): a 503. */
  readonly overloaded: RestResponse;
}

/** Keyed by the first path segment; a Map so that "__proto__" or "constructor" match nothing. */
export const NOTIFICATION_ROUTES: ReadonlyMap<string, NotificationRoute> = new Map([
  ['v1', { parse: parseFlatNotification, respond: v2Response, bodyTooLarge: V2_BODY_TOO_LARGE, overloaded: V2_TRY_LATER }],
  ['v2', { parse: parseDeepNotification, respond: v2Response, bodyTooLarge: V2_BODY_TOO_LARGE, overloaded: V2_TRY_LATER }],
  ['v3', { parse: parseDeepNotification, respond: v3Response, bodyTooLarge: V3_BODY_TOO_LARGE, overloaded: V3_OVERLOADED }],
]);
