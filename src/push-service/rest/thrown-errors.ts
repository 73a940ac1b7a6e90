/**
 * When `PushDispatcher.send` throws instead of resolving, the throw still has to become an
 * answer. Herald's own refusals map to the outcome they mean; anything else is the contract's
 * "anything else" row (request_timeout, a 500 on v3) — MongooseIM treats every non-410 status
 * alike, so the only duty here is never to answer 410 for a failure of our own.
 */
import { isHeraldError, type ErrorCode } from '../../core/errors.js';
import type { PushFailureReason } from '../notification.js';

const REASON_FOR_CODE: Partial<Readonly<Record<ErrorCode, PushFailureReason>>> = {
  HERALD_MAILBOX_FULL: 'too_many_requests', // backpressure: every sender mailbox is full (429 at once)
  HERALD_SHUTTING_DOWN: 'service_internal', // transient: another instance or a restart will serve it
  HERALD_ACTOR_STOPPED: 'service_internal',
  HERALD_NO_MATCHING_POOL: 'no_matching_pool',
  HERALD_PAYLOAD_TOO_LARGE: 'payload_too_large',
  HERALD_TRANSPORT: 'connection_lost',
  HERALD_RETRY_BUDGET_EXHAUSTED: 'connection_lost',
  HERALD_TIMEOUT: 'request_timeout',
};

export const UNEXPECTED_THROW_REASON: PushFailureReason = 'request_timeout';

export function reasonForThrown(error: unknown): PushFailureReason {
  return (isHeraldError(error) && REASON_FOR_CODE[error.code]) || UNEXPECTED_THROW_REASON;
}

/** True when the throw is an expected refusal (not worth an error log line). */
export function isExpectedRefusal(error: unknown): boolean {
  return isHeraldError(error) && REASON_FOR_CODE[error.code] !== undefined;
}
