/**
 * `GET /metrics` body: Prometheus text exposition format 0.0.4 (prometheus.io, "Exposition
 * formats"): per family one `# HELP` and one `# TYPE` line, then its samples; label values escape
 * `\`, `"` and newline, HELP text escapes `\` and newline; histograms expose cumulative
 * `_bucket{le=…}` series ending with `le="+Inf"`, then `_sum` and `_count`. Pure.
 */
import type { ConnectionState as ApnsConnectionState } from '../http2/connection.js';
import { SEND_SECONDS_BUCKETS, type SendCountersSnapshot } from './send-counters.js';

/** The Content-Type of the exposition format this file writes. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export const CONNECTION_STATES: readonly ApnsConnectionState[] = ['idle', 'connecting', 'connected', 'backoff', 'closed'];

/** What one pool of a push service (`apns`, `fcm`) exposes. */
export interface PushServiceMetrics {
  service: string;
  /** The pool's configured name (`apns-prod`, `fcm`, …). */
  pool: string;
  counters: SendCountersSnapshot;
  /** Retries refused by an empty retry budget so far. */
  retryBudgetExhausted: number;
  /** Requests on the wire now. */
  inFlight: number;
  /** Notifications waiting in sender mailboxes now. */
  mailboxDepth: number;
  /** Connections per state now. */
  connections: Readonly<Record<ApnsConnectionState, number>>;
}

export type Labels = ReadonlyArray<readonly [string, string]>;

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

export function sample(name: string, labels: Labels, value: number): string {
  const body = labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
  return `${name}${body === '' ? '' : `{${body}}`} ${formatValue(value)}\n`;
}

export function family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string, samples: string[]): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n${samples.join('')}`;
}

/** Renders the push services' families; `rest` (HTTP status → answers) adds the REST family. */
export function renderMetrics(services: readonly PushServiceMetrics[], rest?: ReadonlyMap<number, number>): string {
  const per = <T>(f: (s: PushServiceMetrics, labels: Labels) => T[]): T[] =>
    services.flatMap((s) => f(s, [['service', s.service], ['pool', s.pool]]));
  const parts = [
    family('herald_push_sent_total', 'counter', 'Notifications the provider accepted.', per((s, l) => [sample('herald_push_sent_total', l, s.counters.sent)])),
    family(
      'herald_push_rejected_total',
      'counter',
      'Notifications that did not end in a delivery, by reason.',
      per((s, l) =>
        Object.entries(s.counters.rejected)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([reason, n]) => sample('herald_push_rejected_total', [...l, ['reason', reason]], n ?? 0)),
      ),
    ),
    family('herald_push_retries_total', 'counter', 'Notifications resent after a transport failure.', per((s, l) => [sample('herald_push_retries_total', l, s.counters.retries)])),
    family(
      'herald_push_retry_budget_exhausted_total',
      'counter',
      'Retries not made because the retry budget was empty (the failure was reported at once).',
      per((s, l) => [sample('herald_push_retry_budget_exhausted_total', l, s.retryBudgetExhausted)]),
    ),
    family('herald_push_timeouts_total', 'counter', 'Requests left unanswered by the provider within the request timeout.', per((s, l) => [sample('herald_push_timeouts_total', l, s.counters.timeouts)])),
    family('herald_push_in_flight', 'gauge', 'Requests on the wire.', per((s, l) => [sample('herald_push_in_flight', l, s.inFlight)])),
    family('herald_push_mailbox_depth', 'gauge', 'Notifications waiting in sender mailboxes.', per((s, l) => [sample('herald_push_mailbox_depth', l, s.mailboxDepth)])),
    family(
      'herald_push_connections',
      'gauge',
      'Provider connections by state.',
      per((s, l) => CONNECTION_STATES.map((state) => sample('herald_push_connections', [...l, ['state', state]], s.connections[state]))),
    ),
    family('herald_push_send_seconds', 'histogram', 'Time from a notification\'s first request on the wire to its outcome.', per(histogramSamples)),
  ];
  if (rest !== undefined) {
    const statuses = [...rest.keys()].sort((a, b) => a - b);
    parts.push(
      family('herald_rest_requests_total', 'counter', 'REST API answers by HTTP status.', statuses.map((status) => sample('herald_rest_requests_total', [['status', String(status)]], rest.get(status)!))),
    );
  }
  return parts.join('');
}

function histogramSamples(s: PushServiceMetrics, labels: Labels): string[] {
  const { counts, sum, count } = s.counters.latency;
  const out: string[] = [];
  let cumulative = 0;
  for (let i = 0; i < SEND_SECONDS_BUCKETS.length; i++) {
    cumulative += counts[i] ?? 0;
    out.push(sample('herald_push_send_seconds_bucket', [...labels, ['le', String(SEND_SECONDS_BUCKETS[i])]], cumulative));
  }
  // +Inf holds everything, so it equals _count by construction (Prometheus requires it).
  out.push(sample('herald_push_send_seconds_bucket', [...labels, ['le', '+Inf']], count));
  out.push(sample('herald_push_send_seconds_sum', labels, sum));
  out.push(sample('herald_push_send_seconds_count', labels, count));
  return out;
}
