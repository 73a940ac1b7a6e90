/**
 * FCM HTTP v1 answers: every send is answered with a JSON body (`{"name": …}` on success, a
 * google.rpc.Status otherwise), so the body is always read (bounded) and mapped by fcmOutcome.
 */
import type { AnswerReader } from '../http2/answer-reader.js';
import type { PushOutcome } from '../notification.js';
import { fcmOutcome } from './outcome.js';

/**
 * Characters of an answer read at most. FCM's answers are small (a `name`, or a google.rpc.Status
 * whose details stay under 2 KiB); four times that leaves room for longer messages, and a peer
 * streaming more is not read beyond it.
 */
const MAX_ANSWER_CHARS = 8_192;

export const FCM_ANSWERS: AnswerReader = Object.freeze({
  maxBodyChars: MAX_ANSWER_CHARS,
  onHeaders(): PushOutcome | undefined {
    return undefined;
  },
  onBody(status: number, body: string): PushOutcome {
    return fcmOutcome(status, body);
  },
});
