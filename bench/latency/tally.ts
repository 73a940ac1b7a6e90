/**
 * One contestant's open-loop runs at one rate, added up over the paired rounds: histograms merged,
 * counts summed, CPU charged per answered request.
 */
import { processCpuMs } from '../sender/process-cpu.js';
import { latencyHistogram, percentiles, type Histogram, type Percentiles } from './histogram.js';
import type { OpenLoopResult } from './open-loop.js';

export class Tally {
  readonly latency: Histogram = latencyHistogram();
  readonly fromSend: Histogram = latencyHistogram();
  readonly lag: Histogram = latencyHistogram();
  scheduled = 0;
  sent = 0;
  ok = 0;
  lost = 0;
  readonly failures: Record<string, number> = {};
  private sentPerS: number[] = [];
  private answeredPerS: number[] = [];
  private serverCpuMs = 0;
  private generatorCpuMs = 0;

  add(r: OpenLoopResult, cpu: CpuSpent): void {
    this.latency.add(r.latency);
    this.fromSend.add(r.fromSend);
    this.lag.add(r.lag);
    this.scheduled += r.scheduled;
    this.sent += r.sent;
    this.ok += r.ok;
    this.lost += r.lost;
    for (const [reason, n] of Object.entries(r.failures)) this.failures[reason] = (this.failures[reason] ?? 0) + n;
    this.sentPerS.push(r.sentPerS);
    this.answeredPerS.push(r.answeredPerS);
    this.serverCpuMs += cpu.serverMs;
    this.generatorCpuMs += cpu.generatorMs;
  }

  get failed(): number {
    return Object.values(this.failures).reduce((a, b) => a + b, 0);
  }

  get latencyMs(): Percentiles {
    return percentiles(this.latency);
  }

  get fromSendMs(): Percentiles {
    return percentiles(this.fromSend);
  }

  get lagMs(): Percentiles {
    return percentiles(this.lag);
  }

  meanSentPerS(): number {
    return mean(this.sentPerS);
  }

  meanAnsweredPerS(): number {
    return mean(this.answeredPerS);
  }

  /** µs of the measured server process's CPU per answered request (NaN without /proc). */
  serverCpuUsPerRequest(): number {
    return (this.serverCpuMs * 1000) / (this.ok + this.failed);
  }

  /** µs of this process's CPU (generator, metronome thread, histograms) per answered request. */
  generatorCpuUsPerRequest(): number {
    return (this.generatorCpuMs * 1000) / (this.ok + this.failed);
  }
}

export interface CpuSpent {
  serverMs: number;
  generatorMs: number;
}

/** Starts counting CPU of `pid` (NaN when it cannot be read, or no pid) and of this process. */
export function cpuMeter(pid: number | undefined): () => CpuSpent {
  const server = processCpuMs(pid);
  const own = process.cpuUsage();
  return () => {
    const after = processCpuMs(pid);
    const ownUs = process.cpuUsage(own);
    return {
      serverMs: server === undefined || after === undefined ? NaN : after - server,
      generatorMs: (ownUs.user + ownUs.system) / 1000,
    };
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
