/**
 * Which streams of each HTTP/2 session the simulator has taken on, and GOAWAY as servers send it
 * (RFC 9113 §6.8): the last stream id is the highest stream processed; streams above it are
 * refused (REFUSED_STREAM, never processed, safe to retry: §8.7); those at or below it are still
 * answered, and the connection ends once they are done.
 */
import { constants, type Http2Session, type ServerHttp2Stream } from 'node:http2';

interface Track {
  /** Highest stream id seen (what nghttp2 calls the last processed stream). */
  seenMax: number;
  /** Highest stream id the simulator decided to answer. */
  decidedMax: number;
  open: number;
  /** Set once a GOAWAY was sent: its last stream id. */
  goawayLast: number | undefined;
}

export class SessionStreams {
  private readonly tracks = new WeakMap<Http2Session, Track>();
  /** Streams decided or refused by the simulator itself (the rest may be refused by nghttp2). */
  private readonly settled = new WeakSet<ServerHttp2Stream>();

  /** `end`: closes the connection under a session once its GOAWAY has nothing left to answer. */
  constructor(private readonly end: (session: Http2Session) => void) {}

  /**
   * A new stream. `onRefused` runs if the stream is reset with REFUSED_STREAM before the
   * simulator settled it: nghttp2 refuses the streams above a GOAWAY's last stream id itself.
   */
  opened(stream: ServerHttp2Stream, onRefused: () => void): void {
    const session = stream.session;
    if (session === undefined) return;
    const track = this.track(session);
    track.seenMax = Math.max(track.seenMax, stream.id ?? 0);
    track.open++;
    stream.once('close', () => {
      track.open--;
      if (!this.settled.has(stream) && stream.rstCode === constants.NGHTTP2_REFUSED_STREAM) onRefused();
      if (track.goawayLast !== undefined && track.open === 0) this.end(session);
    });
  }

  /** The simulator will answer `stream`: it counts as processed in a later GOAWAY. */
  decided(stream: ServerHttp2Stream): void {
    this.settled.add(stream);
    const session = stream.session;
    if (session !== undefined) {
      const track = this.track(session);
      track.decidedMax = Math.max(track.decidedMax, stream.id ?? 0);
    }
  }

  /** The simulator refused or broke `stream` itself (it records that itself). */
  refused(stream: ServerHttp2Stream): void {
    this.settled.add(stream);
  }

  /** True when `stream` came above the last stream id of a GOAWAY sent on its session. */
  aboveGoaway(stream: ServerHttp2Stream): boolean {
    const last = stream.session === undefined ? undefined : this.tracks.get(stream.session)?.goawayLast;
    return last !== undefined && (stream.id ?? 0) > last;
  }

  /** Sends GOAWAY on `session` with the highest stream id decided so far. */
  goaway(session: Http2Session, code: number, debugData: Buffer | undefined): void {
    if (session.destroyed || session.closed) return;
    const track = this.track(session);
    // Node sends a last stream id of 0 as nghttp2's last processed stream (the highest seen):
    // with nothing decided yet, what the client is told is seenMax, so that is what we keep.
    const last = Math.min(track.goawayLast ?? Infinity, track.decidedMax > 0 ? track.decidedMax : track.seenMax);
    try {
      session.goaway(code, last, debugData);
    } catch {
      return; // the session went away meanwhile
    }
    track.goawayLast = last;
    if (track.open === 0) this.end(session);
  }

  private track(session: Http2Session): Track {
    let track = this.tracks.get(session);
    if (track === undefined) {
      track = { seenMax: 0, decidedMax: 0, open: 0, goawayLast: undefined };
      this.tracks.set(session, track);
    }
    return track;
  }
}
