/**
 * What the provider-neutral sender (http2/sender-actor.ts) needs to speak FCM HTTP v1: the POST
 * to `/v1/projects/{project_id}/messages:send` with an OAuth2 access token, and the one resend a
 * 401 deserves (reference apns-fcm.md: "A 401 UNAUTHENTICATED may just mean the access token
 * expired: refresh and retry once").
 */
import type { OutgoingHttpHeaders } from 'node:http2';
import type { PushRejection } from '../http2/rejections.js';
import type { SenderProvider } from '../http2/sender-actor.js';
import type { FcmRequest } from './message.js';
import type { AccessTokenSource } from './oauth.js';

const BEARER = 'Bearer ';
/** 401s with these FcmError codes are configuration problems (APNs credentials), not an expired token. */
const AUTH_CONFIG_ERRORS: ReadonlySet<string> = new Set(['THIRD_PARTY_AUTH_ERROR', 'APNS_AUTH_ERROR']);

export class FcmSenderProvider implements SenderProvider<FcmRequest> {
  /** The last token and its header value, so a send does not build the same string again. */
  private token = '';
  private header = '';

  constructor(
    private readonly tokens: AccessTokenSource,
    /** `/v1/projects/{project_id}/messages:send` */
    private readonly path: string,
  ) {}

  authorization(): string | Promise<string> {
    const cached = this.tokens.current?.();
    if (cached !== undefined) return this.bearer(cached);
    return this.tokens.accessToken().then((token) => this.bearer(token));
  }

  headers(_request: FcmRequest, authorization: string): OutgoingHttpHeaders {
    return {
      ':method': 'POST',
      ':path': this.path,
      authorization,
      'content-type': 'application/json; charset=utf-8',
    };
  }

  body(request: FcmRequest): string {
    return request.body;
  }

  requestId(): string {
    return '';
  }

  credentialRefused(outcome: PushRejection, authorization: string): boolean {
    if (outcome.status !== 401 || AUTH_CONFIG_ERRORS.has(outcome.providerReason ?? '')) return false;
    this.tokens.invalidate(authorization.slice(BEARER.length));
    return true;
  }

  private bearer(token: string): string {
    if (token !== this.token) {
      this.token = token;
      this.header = BEARER + token;
    }
    return this.header;
  }
}
