/**
 * What the provider-neutral sender (http2/sender-actor.ts) needs to speak Web Push to one push
 * service: the POST to the push resource with the VAPID Authorization for that origin (RFC 8292
 * §2: `aud` is the push service's origin, so one provider per origin's sender group), and the
 * aes128gcm body as octets.
 */
import type { OutgoingHttpHeaders } from 'node:http2';
import type { SenderProvider } from '../http2/sender-actor.js';
import type { WebPushRequest } from './request.js';
import type { VapidAuthorizations } from './vapid.js';

export class WebPushSenderProvider implements SenderProvider<WebPushRequest> {
  constructor(
    private readonly origin: string,
    /** Shared by every origin: one signed token per origin, reused until it nears its exp. */
    private readonly vapid: VapidAuthorizations,
  ) {}

  authorization(): string {
    return this.vapid.for(this.origin);
  }

  headers(request: WebPushRequest, authorization: string): OutgoingHttpHeaders {
    // A Push 2.0 sender's own JWT, when it was made for this push service (request.ts).
    return { ':method': 'POST', ':path': request.path, authorization: request.authorization ?? authorization, ...request.headers };
  }

  body(request: WebPushRequest): Buffer {
    return request.body;
  }

  requestId(): string {
    return '';
  }
}
