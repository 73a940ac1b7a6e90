/**
 * Which of the APNS simulator's sessions have authenticated (a valid provider token, or a
 * trusted client certificate): Apple advertises one stream until then with token auth.
 */
import type { Http2Session } from 'node:http2';

export class AuthenticatedSessions {
  private readonly authenticated = new WeakSet<Http2Session>();

  has(session: Http2Session): boolean {
    return this.authenticated.has(session);
  }

  /** Marks the session authenticated; true the first time (time to raise the stream limit). */
  add(session: Http2Session): boolean {
    if (this.authenticated.has(session)) return false;
    this.authenticated.add(session);
    return true;
  }
}
