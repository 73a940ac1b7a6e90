/**
 * Everything the REST port refuses goes through here: counted for /metrics and logged folded
 * (core/aggregated-log.ts), one line per `rest.refusal_log_interval_ms`, event and reason with the
 * count and the last client's address — a flood costs a few lines a minute, never one per
 * request (issue 8 finding 9a): rest.connection_refused, rest.connection_dropped, rest.request_shed,
 * rest.unauthorized.
 */
import { foldRepeats, type FoldingLogger } from '../core/aggregated-log.js';
import type { LogFields, Logger } from '../core/log.js';
import type { ConnectionDrop, ConnectionRefusal, RequestShed } from '../push-service/ops/rest-counters.js';
import { RestCounters } from '../push-service/ops/rest-counters.js';

/** One fold per event and reason (all fixed names, so the folds are bounded). */
const byReason = (event: string, fields: LogFields | undefined): string => `${event}/${String(fields?.reason ?? fields?.credentials)}`;

export class Refusals {
  readonly counters = new RestCounters();
  private readonly log: FoldingLogger | undefined;

  constructor(log: Logger | undefined, intervalMs: number) {
    this.log = log && foldRepeats(log, intervalMs, byReason);
  }

  /** Closed at accept: an operator wants to know (the limit may be too low, or someone floods). */
  connectionRefused(reason: ConnectionRefusal, remote: string | undefined): void {
    this.counters.refused[reason]++;
    this.log?.warn('rest.connection_refused', { reason, remote });
  }

  /** Closed after accept: timeouts and broken clients are routine, so info. */
  connectionDropped(reason: ConnectionDrop, remote: string | undefined): void {
    this.counters.dropped[reason]++;
    if (reason !== 'idle') this.log?.info('rest.connection_dropped', { reason, remote });
  }

  requestShed(reason: RequestShed, remote: string | undefined): void {
    this.counters.shed[reason]++;
    this.log?.warn('rest.request_shed', { reason, remote });
  }

  /** RFC 6750 §3: no or a wrong bearer token. `credentials`: absent or rejected. */
  unauthorized(remote: string | undefined, credentials: 'absent' | 'rejected'): void {
    this.counters.unauthorized++;
    this.log?.warn('rest.unauthorized', { credentials, remote });
  }

  /** Writes what is pending (at close). */
  flush(): void {
    this.log?.flush();
  }
}
