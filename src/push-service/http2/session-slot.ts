/** One HTTP/2 session of an Http2Connection and what is known of it. */
import type { ClientHttp2Session } from 'node:http2';

/**
 * Streams assumed until the peer's SETTINGS say more. Apple: "only 1 stream until the first
 * request with a valid token"; FCM advertises 100 in its SETTINGS. Starting low means Node never
 * queues streams the peer would refuse.
 */
export const INITIAL_PEER_STREAMS = 1;

/** What the stream listeners tell the connection that owns the session. */
export interface SessionOwner {
  /** A stream closed: its in-flight slot is free. */
  release(slot: SessionSlot): void;
  /** An answer arrived on this session. */
  answered(slot: SessionSlot): void;
  /** A request on this session timed out: check that the connection is still alive. */
  probe(slot: SessionSlot): void;
}

export class SessionSlot {
  inFlight = 0;
  /** The peer's current SETTINGS_MAX_CONCURRENT_STREAMS. */
  peerStreams = INITIAL_PEER_STREAMS;
  connected = false;
  /** At least one answer came back: the session (endpoint, TLS, credential) works. */
  answered = false;
  evicted = false;
  /** A PING is out and its PONG not yet back. */
  probing = false;
  /** GOAWAY's last-stream-id; streams above it were not processed (RFC 9113 §6.8). */
  goawayLastStreamId = Number.POSITIVE_INFINITY;
  lastError = '';
  constructor(
    readonly session: ClientHttp2Session,
    readonly owner: SessionOwner,
    /** Which session of its connection this is (1, 2, …): names it in log lines. */
    readonly number = 0,
  ) {}
}
