/**
 * Which of the APNS simulator's sessions have shown a valid provider token: Apple advertises
 * one stream until then (the socket and session tracking itself is ../shared/connections.ts).
 */
import type { Http2Session } from 'node:http2';

export class AuthenticatedSessions {
  private readonly authenticated = new WeakSet<Http2Session>();

  /** Marks the session authenticated; true the first time (time to raise the stream limit). */
  add(session: Http2Session): boolean {
    if (this.authenticated.has(session)) return false;
    this.authenticated.add(session);
    return true;
  }

  /** Forgets the session's token; true if it had one. */
  delete(session: Http2Session): boolean {
    return this.authenticated.delete(session);
  }
}
