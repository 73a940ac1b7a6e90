/**
 * `GET /metrics` body: Prometheus text exposition format 0.0.4 (prometheus.io, "Exposition
 * formats"): per family one `# HELP` and one `# TYPE` line, then its samples; label values escape
 * `\`, `"` and newline, HELP text escapes `\` and newline; histograms expose cumulative
 * `_bucket{le=…}` series ending with `le="+Inf"`, then `_sum` and `_count`. Pure.
 */
import type { ProcessFailureCounts } from '../../core/process-failures.js';
import type { ConnectionState as ApnsConnectionState } from '../http2/connection.js';
import type { SenderThreadStats } from '../threaded/sender-thread-handle.js';
import type { ActorFigures } from './engine-figures.js';
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
  /** One entry per sender thread; absent when the senders run on the main thread. */
  threads?: readonly SenderThreadStats[];
  /**
   * The shard whose pool this is (a sharded Herald: the XMPP roles' pools live in the shards);
   * absent for the main thread's own (REST). Its series carry a `shard` label; `sum by (pool)`
   * gives the process's figure (an absent label and an empty one are the same series to Prometheus).
   */
  shard?: string;
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
  const per = <T>(f: (s: PushServiceMetrics, labels: Labels) => T[]): T[] => services.flatMap((s) => f(s, poolLabels(s)));
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
    ...threadFamilies(services),
  ];
  if (rest !== undefined) {
    const statuses = [...rest.keys()].sort((a, b) => a - b);
    parts.push(
      family('herald_rest_requests_total', 'counter', 'REST API answers by HTTP status.', statuses.map((status) => sample('herald_rest_requests_total', [['status', String(status)]], rest.get(status)!))),
    );
  }
  return parts.join('');
}

/** Sender-thread families: only pools whose senders run on threads have samples. */
function threadFamilies(services: readonly PushServiceMetrics[]): string[] {
  const threaded = services.filter((s) => s.threads !== undefined);
  if (threaded.length === 0) return [];
  const labels = poolLabels;
  const total = (s: PushServiceMetrics, key: 'exits' | 'startFailures' | 'restarts'): number =>
    s.threads!.reduce((sum, t) => sum + t[key], 0);
  return [
    family(
      'herald_sender_thread_up',
      'gauge',
      'Sender threads running (1) or dead or restarting (0), per thread.',
      threaded.flatMap((s) => s.threads!.map((t, i) => sample('herald_sender_thread_up', [...labels(s), ['thread', String(i)]], t.state === 'up' ? 1 : 0))),
    ),
    family('herald_sender_thread_exits_total', 'counter', 'Sender threads that died after they were up.', threaded.map((s) => sample('herald_sender_thread_exits_total', labels(s), total(s, 'exits')))),
    family(
      'herald_sender_thread_start_failures_total',
      'counter',
      'Sender thread starts that failed (e.g. ERR_WORKER_INIT_FAILED when out of file descriptors); each is retried after a backoff.',
      threaded.map((s) => sample('herald_sender_thread_start_failures_total', labels(s), total(s, 'startFailures'))),
    ),
    family('herald_sender_thread_restarts_total', 'counter', 'Sender threads running again after they died or failed to start.', threaded.map((s) => sample('herald_sender_thread_restarts_total', labels(s), total(s, 'restarts')))),
  ];
}

function poolLabels(s: PushServiceMetrics): Labels {
  return s.shard === undefined ? [['service', s.service], ['pool', s.pool]] : [['service', s.service], ['pool', s.pool], ['shard', s.shard]];
}

/** The live actors of one engine: the process's (no label) or a shard's (`shard` label). */
export interface ActorMetrics {
  shard?: string;
  actors: ActorFigures;
}

/** herald_live_actors by kind (`user`, `node`), per shard when sharded. */
export function renderActorMetrics(engines: readonly ActorMetrics[]): string {
  const samples = engines.flatMap(({ shard, actors }) => {
    const where: Labels = shard === undefined ? [] : [['shard', shard]];
    return [sample('herald_live_actors', [['kind', 'user'], ...where], actors.users), sample('herald_live_actors', [['kind', 'node'], ...where], actors.nodes)];
  });
  return family('herald_live_actors', 'gauge', 'Actors alive now (idle ones are passivated, bounded by actors.max_live_actors), by kind: user (XMPP Server role), node (App Server role).', samples);
}

/** Process-level families, rendered only where `herald start` installed its process handlers. */
export function renderProcessMetrics(counts: Readonly<ProcessFailureCounts>): string {
  return family(
    'herald_process_unhandled_rejections_total',
    'counter',
    'Rejected promises nothing handled (logged as HERALD_UNHANDLED_REJECTION; the process keeps running).',
    [sample('herald_process_unhandled_rejections_total', [], counts.unhandledRejections)],
  );
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
