/**
 * What the provider-neutral sender (http2/sender-actor.ts) needs to speak APNS: the header block
 * of a prepared request and the provider token of the process, or none at all with
 * certificate-based auth.
 */
import type { PushRejection } from '../http2/rejections.js';
import type { SenderProvider } from '../http2/sender-actor.js';
import { apnsRequestHeaders, type ApnsRequest } from './headers.js';
import type { TokenSource } from './jwt.js';

/**
 * Certificate-based auth (Apple: "Establishing a certificate-based connection to APNs"): the TLS
 * client certificate authenticates every request, so no `authorization` header is sent.
 */
export const CERTIFICATE_AUTH: TokenSource = Object.freeze({ authorization: () => '', minted: 0 });

/** Apple's answers that refuse the provider token itself (403): a fresh token is worth one resend. */
const TOKEN_REFUSALS: ReadonlySet<string> = new Set(['ExpiredProviderToken', 'InvalidProviderToken']);

export function apnsSenderProvider(tokens: TokenSource): SenderProvider<ApnsRequest> {
  return {
    authorization: () => tokens.pending?.() ?? tokens.authorization(),
    headers: apnsRequestHeaders,
    body: (request) => request.body,
    requestId: (request) => request.apnsId,
    credentialRefused: (outcome: PushRejection, authorization: string) =>
      TOKEN_REFUSALS.has(outcome.providerReason ?? '') && tokens.refused?.(authorization) === true,
  };
}
