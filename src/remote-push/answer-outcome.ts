/**
 * The remote service's answer → PushOutcome, as MongooseIM's `http_notification/5` reads it:
 * 2xx is a delivery; **410 alone is a dead device** (MongooseIM then disables the registration);
 * every other status, and every failure to get an answer, is logged and changes nothing. So
 * here every other outcome has a transient reason, which the App Server answers with `wait`:
 * a v2 service's `500 {"details":"Unregistered"}` included (MongooseIM maps only 410), and a
 * 400/413 too, since the fault may be ours or the remote's configuration, not the device's.
 * Pure.
 */
import type { PushFailureReason, PushOutcome } from '../push-service/notification.js';

/**
 * Characters of the remote's reason kept in the outcome (logs; the App Server shows the first
 * 64 in its stanza error). MongoosePush's reasons are short; a proxy's HTML error page is not.
 */
export const MAX_REASON_CHARS = 200;

/**
 * The outcome of an HTTP answer; `body` is the (possibly truncated) answer body. A delivery has
 * no id: MongoosePush answers `null` and names neither the apns-id nor the FCM message.
 */
export function answerOutcome(status: number, body: string): PushOutcome {
  if (status >= 200 && status < 300) return { ok: true, id: '' };
  return { ok: false, reason: statusReason(status), status, providerReason: remoteReason(body) };
}

function statusReason(status: number): PushFailureReason {
  switch (status) {
    case 410:
      return 'unregistered'; // v3 {"reason":"unregistered"}: APNS 410 Unregistered, FCM UNREGISTERED
    case 429:
      return 'too_many_requests'; // the remote's or its provider's rate limit: wait/resource-constraint
    case 503:
      return 'service_internal'; // the remote cannot reach its provider
    default:
      return 'unspecified';
  }
}

/** v3 `{"reason": …}`, v1/v2 `{"details": …}`, else the body text itself. */
function remoteReason(body: string): string | undefined {
  let reason: unknown = body;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const fields = parsed as Record<string, unknown>;
      reason = typeof fields.reason === 'string' ? fields.reason : typeof fields.details === 'string' ? fields.details : body;
    }
  } catch {
    // not JSON: keep the text
  }
  const text = (reason as string).trim();
  return text === '' ? undefined : text.slice(0, MAX_REASON_CHARS);
}

/** How an exchange ended without an answer. */
export type NoAnswer =
  /** No connection could be made (refused, DNS, TLS handshake or certificate). */
  | 'connect'
  /** The connection broke after the request may have gone out. */
  | 'lost'
  /** No full answer within `remote_push.request_timeout_ms`. */
  | 'timeout';

const NO_ANSWER_REASON: Readonly<Record<NoAnswer, PushFailureReason>> = {
  connect: 'unable_to_connect',
  lost: 'connection_lost',
  timeout: 'request_timeout',
};

/** `code` is the error's code (ECONNREFUSED, CERT_HAS_EXPIRED, …), kept for logs. */
export function noAnswerOutcome(kind: NoAnswer, code?: string): PushOutcome {
  const outcome: PushOutcome = { ok: false, reason: NO_ANSWER_REASON[kind] };
  if (code !== undefined) outcome.providerReason = code;
  return outcome;
}
