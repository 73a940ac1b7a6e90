/**
 * What an Http2Connection logs about its sessions, as `<provider>.connection.<event>`
 * (`apns.connection.goaway`, `fcm.connection.lost`). Sessions change rarely (a
 * connect, a GOAWAY, a broken socket, with a backoff between attempts), so these are info and
 * warn; what happens per request is debug. No line is written per push at info.
 */
import { silentLogger, type Logger } from '../../core/log.js';

/** RFC 9113 §7 NO_ERROR: a GOAWAY that only announces a graceful shutdown. */
const NO_ERROR = 0;

export class ConnectionLog {
  private readonly area: string;

  constructor(
    label: string,
    private readonly log: Logger = silentLogger,
  ) {
    this.area = `${label.toLowerCase()}.connection`;
  }

  /** info: TLS and HTTP/2 preface done; `after_failures` sessions in a row ended without an answer. */
  connected(endpoint: string, session: number, afterFailures: number): void {
    this.log.info(`${this.area}.connected`, { endpoint, session, after_failures: afterFailures });
  }

  /**
   * RFC 9113 §6.8: streams above `last_stream_id` were not processed. APNS puts `{"reason": …}`
   * in the opaque data (`reason`). NO_ERROR is a graceful shutdown (info), any other code warn.
   */
  goaway(session: number, code: number, lastStreamId: number, reason: string | undefined): void {
    const fields = { session, code, last_stream_id: lastStreamId, ...(reason !== undefined && { reason }) };
    if (code === NO_ERROR) this.log.info(`${this.area}.goaway`, fields);
    else this.log.warn(`${this.area}.goaway`, fields);
  }

  /** warn: a socket, TLS or protocol error ended the session (or its connect). */
  sessionError(session: number, connected: boolean, error: Error): void {
    this.log.warn(`${this.area}.session_error`, { session, connected, error });
  }

  /** warn: a malformed frame from the peer. */
  frameError(session: number, type: number, code: number): void {
    this.log.warn(`${this.area}.frame_error`, { session, frame_type: type, code });
  }

  /** warn: no PONG within the request timeout; the session is destroyed. */
  pingTimeout(session: number, timeoutMs: number): void {
    this.log.warn(`${this.area}.ping_timeout`, { session, timeout_ms: timeoutMs });
  }

  /**
   * info: the current session is out of use (`why`); the next one opens on the next use (at once
   * with keep-warm) once `reconnectInMs` passed: the reconnect backoff, doubled per session in a
   * row that ended without an answer (`consecutive_failures`), with jitter.
   */
  lost(session: number, why: string, reconnectInMs: number, failures: number): void {
    this.log.info(`${this.area}.lost`, { session, why, reconnect_in_ms: reconnectInMs, consecutive_failures: failures });
  }

  /** debug (per request): the session refused to start a stream. */
  requestRefused(session: number, code: string): void {
    this.log.debug(`${this.area}.request_refused`, { session, code });
  }
}
