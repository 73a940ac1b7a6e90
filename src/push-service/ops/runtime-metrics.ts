/**
 * The process and runtime families operators expect beside Herald's own on /metrics: CPU
 * (process_cpu_seconds_total), memory and heap (process_resident_memory_bytes,
 * nodejs_heap_size_used_bytes, …), event-loop lag (nodejs_eventloop_lag_seconds), GC durations,
 * open file descriptors — prom-client's default collectors, with their standard names, so the
 * usual Node.js dashboards read them. One registry per process (the collectors watch the process,
 * not one engine), made at the first scrape; only the main thread's runtime is reported.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Resolution of the event-loop delay histogram (ms): prom-client's default, fine enough to see
 * lag of a few ms and cheap (one libuv timer).
 */
const EVENT_LOOP_RESOLUTION_MS = 10;

let registry: Registry | undefined;

/** The runtime families in the Prometheus text format. */
export function renderRuntimeMetrics(): Promise<string> {
  if (registry === undefined) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });
  }
  return registry.metrics();
}
