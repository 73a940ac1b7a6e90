/**
 * The REST port's load-shedding families of `GET /metrics` (Prometheus text format, as
 * metrics.ts): connections open, connections refused at accept and closed by Herald, requests
 * shed, unauthenticated requests, bytes held for unfinished bodies. Pure.
 */
import { family, sample } from './metrics.js';
import { CONNECTION_DROPS, CONNECTION_REFUSALS, REQUEST_SHEDS, type RestCounters, type RestGauges } from './rest-counters.js';

export function renderRestMetrics(counters: RestCounters, gauges: RestGauges): string {
  const byReason = <K extends string>(name: string, keys: readonly K[], values: Record<K, number>): string[] =>
    keys.map((reason) => sample(name, [['reason', reason]], values[reason]));
  return [
    family('herald_rest_connections', 'gauge', 'REST client connections open.', [sample('herald_rest_connections', [], gauges.connections)]),
    family(
      'herald_rest_connections_refused_total',
      'counter',
      'REST connections closed at accept, before TLS, by the limit they would have exceeded.',
      byReason('herald_rest_connections_refused_total', CONNECTION_REFUSALS, counters.refused),
    ),
    family(
      'herald_rest_connections_dropped_total',
      'counter',
      'REST connections closed by Herald after accept: TLS handshake timeout or failure, HTTP/1.1 headers timeout or bad HTTP, idle.',
      byReason('herald_rest_connections_dropped_total', CONNECTION_DROPS, counters.dropped),
    ),
    family(
      'herald_rest_requests_shed_total',
      'counter',
      'REST requests answered 414, 431 or 503 without being served, by the limit they exceeded.',
      byReason('herald_rest_requests_shed_total', REQUEST_SHEDS, counters.shed),
    ),
    family('herald_rest_unauthorized_total', 'counter', 'REST requests answered 401 (no or a wrong bearer token).', [
      sample('herald_rest_unauthorized_total', [], counters.unauthorized),
    ]),
    family('herald_rest_pending_body_bytes', 'gauge', 'Bytes held for REST request bodies still arriving.', [
      sample('herald_rest_pending_body_bytes', [], gauges.pendingBodyBytes),
    ]),
  ].join('');
}
