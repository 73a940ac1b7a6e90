/**
 * SETTINGS_MAX_CONCURRENT_STREAMS per session (RFC 9113 §6.5.2): the simulator's current limit,
 * or 1 while a session is gated (APNS with token auth: until the first valid token) or
 * throttled (after a rejection, when `dropToOneStreamAfterRejection` is on).
 */
import type { Http2Session } from 'node:http2';

/** Apple allows one stream until the first request with a valid provider token (apns-fcm.md). */
const GATED_STREAMS = 1;

export class StreamLimits {
  private readonly advertised = new WeakMap<Http2Session, number>();
  private readonly throttled = new WeakSet<Http2Session>();

  /**
   * `gateOpen`: whether a session may use the full limit; when given, new sessions start gated
   * (1 stream) and `advertise` raises them once it says yes. Without it every session is open.
   */
  constructor(
    private limit: number,
    private readonly gateOpen?: (session: Http2Session) => boolean,
  ) {}

  /** What every new session is sent in its first SETTINGS frame. */
  get initial(): number {
    return this.gateOpen === undefined ? this.limit : GATED_STREAMS;
  }

  opened(session: Http2Session): void {
    this.advertised.set(session, this.initial);
  }

  /** Sends new SETTINGS on `session` if what it should advertise has changed. */
  advertise(session: Http2Session): void {
    const want = this.throttled.has(session) || this.gateOpen?.(session) === false ? GATED_STREAMS : this.limit;
    if (session.destroyed || session.closed || this.advertised.get(session) === want) return;
    this.advertised.set(session, want);
    try {
      session.settings({ maxConcurrentStreams: want });
    } catch {
      // Too many SETTINGS awaiting their ACK (a client that never answers): it keeps the old limit.
    }
  }

  setLimit(limit: number, sessions: Iterable<Http2Session>): void {
    this.limit = limit;
    for (const session of sessions) this.advertise(session);
  }

  /** A non-200 answer on `session`: down to one stream until its next 200. */
  throttle(session: Http2Session | undefined): void {
    if (session === undefined || this.throttled.has(session)) return;
    this.throttled.add(session);
    this.advertise(session);
  }

  /** A 200 on `session`: a throttled session gets the full limit back. */
  accepted(session: Http2Session | undefined): void {
    if (session !== undefined && this.throttled.delete(session)) this.advertise(session);
  }
}
