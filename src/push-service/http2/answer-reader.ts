/**
 * How one provider's HTTP answers become outcomes: the only provider knowledge an exchange needs.
 * APNS decides a 200 from its headers alone (no body is sent); FCM always reads its JSON body.
 */
import type { IncomingHttpHeaders } from 'node:http2';
import type { PushOutcome } from '../notification.js';

export interface AnswerReader {
  /**
   * On the response headers: the outcome when the headers already decide it (the body is then
   * drained unread), or undefined to read the body. `requestId` is what the request was sent with
   * (APNS apns-id; '' when the provider has none).
   */
  onHeaders(status: number, headers: IncomingHttpHeaders, requestId: string): PushOutcome | undefined;
  /** The body read (at most `maxBodyChars`, or cut short when the stream closed early). */
  onBody(status: number, body: string, requestId: string): PushOutcome;
  /** Bodies are read up to this many characters; a peer streaming more is not read further. */
  readonly maxBodyChars: number;
}
