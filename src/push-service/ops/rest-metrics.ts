/**
 * The REST port's families of `GET /metrics`: answers by status, connections open, connections
 * refused at accept and closed by Herald, requests shed, unauthenticated requests, bytes held
 * for unfinished bodies. The REST server keeps the counts (rest-counters.ts); a scrape copies them.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { CONNECTION_DROPS, CONNECTION_REFUSALS, REQUEST_SHEDS, type RestCounters, type RestGauges } from './rest-counters.js';

/** What the REST port adds to /metrics. */
export interface RestMetricsSource {
  /** REST answers counted so far, by status. */
  readonly statusCounts: ReadonlyMap<number, number>;
  readonly refusals: { readonly counters: RestCounters };
  /** Read when the scrape is recorded (after the shards answered). */
  readonly gauges: () => RestGauges;
}

export class RestFamilies {
  private readonly requests: Counter<'status'>;
  private readonly connections: Gauge;
  private readonly refused: Counter<'reason'>;
  private readonly dropped: Counter<'reason'>;
  private readonly shed: Counter<'reason'>;
  private readonly unauthorized: Counter;
  private readonly pendingBodyBytes: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    const reason = ['reason'] as const;
    this.requests = new Counter({ name: 'herald_rest_requests_total', help: 'REST API answers by HTTP status.', labelNames: ['status'], registers });
    this.connections = new Gauge({ name: 'herald_rest_connections', help: 'REST client connections open.', registers });
    this.refused = new Counter({
      name: 'herald_rest_connections_refused_total',
      help: 'REST connections closed at accept, before TLS, by the limit they would have exceeded.',
      labelNames: reason,
      registers,
    });
    this.dropped = new Counter({
      name: 'herald_rest_connections_dropped_total',
      help: 'REST connections closed by Herald after accept: TLS handshake timeout or failure, HTTP/1.1 headers timeout or bad HTTP, idle.',
      labelNames: reason,
      registers,
    });
    this.shed = new Counter({
      name: 'herald_rest_requests_shed_total',
      help: 'REST requests answered 414, 431 or 503 without being served, by the limit they exceeded.',
      labelNames: reason,
      registers,
    });
    this.unauthorized = new Counter({ name: 'herald_rest_unauthorized_total', help: 'REST requests answered 401 (no or a wrong bearer token).', registers });
    this.pendingBodyBytes = new Gauge({ name: 'herald_rest_pending_body_bytes', help: 'Bytes held for REST request bodies still arriving.', registers });
  }

  record(rest: RestMetricsSource): void {
    for (const status of [...rest.statusCounts.keys()].sort((a, b) => a - b)) this.requests.inc({ status }, rest.statusCounts.get(status)!);
    const { counters } = rest.refusals;
    for (const reason of CONNECTION_REFUSALS) this.refused.inc({ reason }, counters.refused[reason]);
    for (const reason of CONNECTION_DROPS) this.dropped.inc({ reason }, counters.dropped[reason]);
    for (const reason of REQUEST_SHEDS) this.shed.inc({ reason }, counters.shed[reason]);
    this.unauthorized.inc(counters.unauthorized);
    const gauges = rest.gauges();
    this.connections.set(gauges.connections);
    this.pendingBodyBytes.set(gauges.pendingBodyBytes);
  }
}
