/**
 * API v2 answers (MongoosePush API.V2.ResponseEncoder): `null` on success, 503 "Please try
 * again later" when no connection could be made, and 500 with the provider's own reason for
 * every other failure — so on v2 an unregistered device is a 500, not a 410 (upstream's wart,
 * kept for clients written against it; MongooseIM should use v3).
 */
import type { PushOutcome } from '../push-service/notification.js';
import { jsonResponse, type RestResponse } from './rest-response.js';

const V2_SUCCESS = jsonResponse(200, null);
export const V2_TRY_LATER = jsonResponse(503, { details: 'Please try again later' });
/** Upstream's Plug parser answers an oversized body with the bare status; we add a reason phrase. */
export const V2_BODY_TOO_LARGE = jsonResponse(413, { details: 'Request Entity Too Large' });

export function v2Response(outcome: PushOutcome): RestResponse {
  if (outcome.ok) return V2_SUCCESS;
  if (outcome.reason === 'unable_to_connect') return V2_TRY_LATER;
  return jsonResponse(500, { details: outcome.providerReason ?? outcome.reason });
}
