/**
 * herald_push_send_seconds: a prom-client histogram whose buckets are counted on the send path
 * (SendCounters.observeSeconds, plain integers that cross threads in snapshots), not by
 * `observe()`. A scrape records each pool's snapshot; `get()` hands prom-client the cumulative
 * `_bucket{le=…}` series ending with `le="+Inf"` (equal to `_count` by construction, as
 * Prometheus requires), then `_sum` and `_count`, and prom-client renders them.
 */
import { Histogram, type Registry } from 'prom-client';
import { SEND_SECONDS_BUCKETS, type SendCountersSnapshot } from './send-counters.js';

/** The labels a pool's families carry: its service and name, and its shard when sharded. */
export type PoolLabel = 'service' | 'pool' | 'shard';

type Labels = Partial<Record<PoolLabel, string>>;
/** `sharedLabels`: prom-client's histogram `get()` merges them into `labels`; none here. */
type Sample = { value: number; labels: Partial<Record<PoolLabel | 'le', string>>; sharedLabels: object; metricName: string };

const NAME = 'herald_push_send_seconds';
const HELP = "Time from a notification's first request on the wire to its outcome.";

export class SendSecondsHistogram extends Histogram<PoolLabel | 'le'> {
  private recorded: Array<{ labels: Labels; latency: SendCountersSnapshot['latency'] }> = [];

  constructor(registers: Registry[]) {
    super({
      name: NAME,
      help: HELP,
      labelNames: ['service', 'pool', 'shard'],
      buckets: [...SEND_SECONDS_BUCKETS],
      registers,
    });
  }

  record(labels: Labels, latency: SendCountersSnapshot['latency']): void {
    this.recorded.push({ labels, latency });
  }

  override reset(): void {
    super.reset();
    this.recorded = [];
  }

  /**
   * What prom-client's registry renders a histogram from (its `get()` reads it too): the recorded
   * samples instead of those `observe()` would have counted.
   */
  async getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    return { name: NAME, help: HELP, type: 'histogram', aggregator: 'sum', values: this.samples() };
  }

  private samples(): Sample[] {
    const bucket = `${NAME}_bucket`;
    return this.recorded.flatMap(({ labels, latency }) => {
      let cumulative = 0;
      const out: Sample[] = SEND_SECONDS_BUCKETS.map((le, i) => {
        cumulative += latency.counts[i] ?? 0;
        return { value: cumulative, labels: { ...labels, le: String(le) }, sharedLabels: {}, metricName: bucket };
      });
      out.push({ value: latency.count, labels: { ...labels, le: '+Inf' }, sharedLabels: {}, metricName: bucket });
      out.push({ value: latency.sum, labels, sharedLabels: {}, metricName: `${NAME}_sum` });
      out.push({ value: latency.count, labels, sharedLabels: {}, metricName: `${NAME}_count` });
      return out;
    });
  }
}
