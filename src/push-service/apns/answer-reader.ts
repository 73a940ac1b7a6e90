/**
 * APNS answers ("Handling notification responses from APNs"): a 200 carries no body and echoes
 * the `apns-id`, so it is decided from the headers alone; a rejection's JSON body
 * `{"reason": …, "timestamp": …}` is read (bounded) and mapped by apnsOutcome.
 */
import type { IncomingHttpHeaders } from 'node:http2';
import type { AnswerReader } from '../http2/answer-reader.js';
import type { PushOutcome } from '../notification.js';
import { apnsOutcome } from './outcome.js';

/** Apple's error bodies are ~50 bytes; a peer streaming more is not read beyond this. */
const MAX_ERROR_BODY_CHARS = 2_048;

export const APNS_ANSWERS: AnswerReader = Object.freeze({
  maxBodyChars: MAX_ERROR_BODY_CHARS,
  onHeaders(status: number, headers: IncomingHttpHeaders, apnsId: string): PushOutcome | undefined {
    if (status !== 200) return undefined;
    const id = headers['apns-id'];
    return { ok: true, id: typeof id === 'string' ? id : apnsId };
  },
  onBody(status: number, body: string, apnsId: string): PushOutcome {
    return apnsOutcome(status, body, apnsId);
  },
});
