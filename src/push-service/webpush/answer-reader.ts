/**
 * Web Push answers: a 201 is decided by its headers (the Location names the message; the body, if
 * any, is drained unread); any other answer's body is read (bounded) for autopush's JSON error, and
 * its Retry-After kept for the retry policy.
 */
import type { AnswerReader } from '../http2/answer-reader.js';
import type { PushOutcome } from '../notification.js';
import { messageId, webPushRejection } from './outcome.js';

/** Characters of an error answer read at most: autopush's JSON errors are a few hundred. */
const MAX_ANSWER_CHARS = 4_096;

export const WEBPUSH_ANSWERS: AnswerReader = Object.freeze({
  maxBodyChars: MAX_ANSWER_CHARS,
  onHeaders(status: number, headers: { location?: string }): PushOutcome | undefined {
    return status === 201 ? { ok: true, id: messageId(headers.location) } : undefined;
  },
  onBody(status: number, body: string): PushOutcome {
    return webPushRejection(status, body);
  },
});
