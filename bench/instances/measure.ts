/**
 * The three loads of the several-instances benchmark on one deployment, each with the CPU its
 * Herald processes, and apart its PostgreSQL server, spent per operation (/proc/<pid>/stat
 * before and after, every thread and every server process):
 *   - `rest`: autocannon through HAProxy (MongooseIM's request, bench/rest/load.ts);
 *   - `publish`: XEP-0357 publish IQs to existing push nodes through the component links, a
 *     bounded window outstanding (closed loop), answered after APNS answered 200;
 *   - `enable`: XEP-0060 creates of new push nodes through the component links, the same way,
 *     answered once the node is stored (a device's first enable, as the App Server sees it).
 * A measurement that saw failures measured the wrong thing and stops the benchmark; only REST's
 * 429 (Herald's senders full: backpressure) is counted apart.
 */
import { clockFrom } from '../latency/clock.js';
import { runClosedLoop } from '../latency/closed-loop.js';
import { percentiles } from '../latency/histogram.js';
import { runLoad } from '../rest/load.js';
import type { Deployment } from './deployment.js';

export type LoadKind = 'rest' | 'publish' | 'enable';
export const LOAD_KINDS: readonly LoadKind[] = ['rest', 'publish', 'enable'];

export interface LoadSettings {
  durationS: number;
  /** REST: autocannon connections, one request in flight on each. */
  connections: number;
  /** Component: IQs outstanding at once. */
  window: number;
}

export interface Figures {
  perS: number;
  p50Ms: number;
  p99Ms: number;
  /** µs of the instances' CPU per successful operation. */
  cpuUs: number;
  /** µs of the PostgreSQL server's CPU per successful operation (0 on LMDB). */
  storeCpuUs: number;
  /** REST answers 429 (backpressure); 0 for the component loads. */
  tooMany: number;
}

export async function measure(kind: LoadKind, d: Deployment, s: LoadSettings, durationS = s.durationS): Promise<Figures> {
  const cpuBefore = d.cpuMs();
  const storeCpuBefore = d.storeCpuMs();
  const { ok, ...figures } = await (kind === 'rest' ? rest(d, s.connections, durationS) : component(kind, d, s.window, durationS));
  return { ...figures, cpuUs: ((d.cpuMs() - cpuBefore) * 1000) / ok, storeCpuUs: ((d.storeCpuMs() - storeCpuBefore) * 1000) / ok };
}

async function rest(d: Deployment, connections: number, durationS: number) {
  const s = await runLoad({ url: d.restUrl, connections, durationS });
  const total = Object.values(s.statuses).reduce((a, b) => a + b, 0);
  if (total === 0 || s.non2xx > s.tooMany || s.errors > 0) {
    throw new Error(`REST answered ${JSON.stringify(s.statuses)} with ${s.errors} connection errors`);
  }
  return { perS: s.reqPerSec, p50Ms: s.p50Ms, p99Ms: s.p99Ms, tooMany: s.tooMany, ok: total - s.non2xx };
}

async function component(kind: 'publish' | 'enable', d: Deployment, window: number, seconds: number) {
  const target = kind === 'publish' ? d.component : d.component.enables;
  const r = await runClosedLoop({ target, clock: clockFrom(process.hrtime.bigint()), outstanding: window, seconds });
  if (Object.keys(r.failures).length > 0 || r.lost > 0 || r.ok === 0) {
    throw new Error(`${kind}: ${r.ok} answered, failures ${JSON.stringify(r.failures)}, ${r.lost} unanswered`);
  }
  const p = percentiles(r.latency);
  return { perS: r.okPerS, p50Ms: p.p50Ms, p99Ms: p.p99Ms, tooMany: 0, ok: r.ok };
}
