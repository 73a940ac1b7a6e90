/** The Prosody bench's figures drawn (issue 12, item 5): rates, latency percentiles and CPU per push, a panel each. */
import { barsChart } from '../shared/svg-bars.js';

export interface ProsodyFigures {
  /** The run, as the legend names it: "50 users, 5 senders, window 100". */
  run: string;
  ackedPerS: number;
  pushesPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** µs of CPU per push, by process as the CPU table names them. */
  cpuUsPerPush: ReadonlyArray<[process: string, us: number]>;
}

export function prosodySvg(f: ProsodyFigures): string {
  return barsChart({
    title: 'Prosody → Herald push throughput',
    series: [f.run],
    panels: [
      { unit: 'messages/s', rows: [{ label: 'Prosody acked/s', values: [f.ackedPerS] }, { label: 'pushes/s', values: [f.pushesPerS] }] },
      { unit: 'ms, message sent → push at APNS', rows: [{ label: 'p50', values: [f.p50Ms] }, { label: 'p99', values: [f.p99Ms] }] },
      { unit: 'µs of CPU per push', rows: f.cpuUsPerPush.map(([process, us]) => ({ label: process, values: [us] })) },
    ],
  });
}
