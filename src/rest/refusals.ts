/**
 * Everything the REST port refuses goes through here: counted for /metrics and logged through an
 * AggregatedLog, one line per `rest.refusal_log_interval_ms` and kind with the count and the last
 * client's address — a flood costs a few lines a minute, never one per request (issue 8 finding 9a).
 */
import { AggregatedLog } from '../core/aggregated-log.js';
import type { Logger } from '../core/log.js';
import type { ConnectionDrop, ConnectionRefusal, RequestShed } from '../push-service/ops/rest-counters.js';
import { RestCounters } from '../push-service/ops/rest-counters.js';
import type { RestLog } from './rest-log.js';

export class Refusals {
  readonly counters = new RestCounters();
  private readonly logs = new Map<string, AggregatedLog>();
  private readonly logger: Logger | undefined;

  constructor(log: RestLog | undefined, private readonly intervalMs: number) {
    this.logger = log && {
      error: (event, fields) => log.error(event, fields),
      warn: (event, fields) => log.warn?.(event, fields),
      info: (event, fields) => log.info?.(event, fields),
      debug: (event, fields) => log.debug?.(event, fields),
    };
  }

  /** Closed at accept: an operator wants to know (the limit may be too low, or someone floods). */
  connectionRefused(reason: ConnectionRefusal, remote: string | undefined): void {
    this.counters.refused[reason]++;
    this.record('rest.connection_refused', reason, 'warn', remote);
  }

  /** Closed after accept: timeouts and broken clients are routine, so info. */
  connectionDropped(reason: ConnectionDrop, remote: string | undefined): void {
    this.counters.dropped[reason]++;
    if (reason !== 'idle') this.record('rest.connection_dropped', reason, 'info', remote);
  }

  requestShed(reason: RequestShed, remote: string | undefined): void {
    this.counters.shed[reason]++;
    this.record('rest.request_shed', reason, 'warn', remote);
  }

  /** RFC 6750 §3: no or a wrong bearer token. `credentials`: absent or rejected. */
  unauthorized(remote: string | undefined, credentials: 'absent' | 'rejected'): void {
    this.counters.unauthorized++;
    this.record('rest.unauthorized', credentials, 'warn', remote, 'credentials');
  }

  /** Writes what is pending (at close). */
  flush(): void {
    for (const log of this.logs.values()) log.flush();
  }

  private record(event: string, reason: string, level: 'warn' | 'info', remote: string | undefined, field = 'reason'): void {
    if (this.logger === undefined) return;
    const key = `${event}/${reason}`;
    let log = this.logs.get(key);
    if (log === undefined) {
      log = new AggregatedLog({ log: this.logger, event, level, intervalMs: this.intervalMs });
      this.logs.set(key, log); // bounded: one per event and reason, all fixed names
    }
    log.record({ [field]: reason, remote });
  }
}
