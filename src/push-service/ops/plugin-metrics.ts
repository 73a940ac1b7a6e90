/**
 * `herald_plugin_failures_total{plugin,hook,kind}` in `GET /metrics`: plugin hook calls that
 * threw (or rejected), overran plugins.hook_budget_ms (timeout) or answered the wrong type
 * (bad_result), each answered with the default behaviour (src/plugins/plugin-chain.ts). Present
 * when plugins are configured; a sharded Herald's series carry the shard's `shard` label.
 */
import { Counter, type Registry } from 'prom-client';
import type { PluginFailureCount } from '../../plugins/plugin-chain.js';

/** The failures of one engine: the process's (no label) or a shard's. */
export interface PluginFailureMetrics {
  shard?: string;
  failures: readonly PluginFailureCount[];
}

export class PluginFailureFamily {
  private readonly failures: Counter<'plugin' | 'hook' | 'kind' | 'shard'>;

  constructor(registry: Registry) {
    this.failures = new Counter({
      name: 'herald_plugin_failures_total',
      help: 'Plugin hook calls that threw, overran plugins.hook_budget_ms (timeout) or answered the wrong type (bad_result); the default behaviour was used.',
      labelNames: ['plugin', 'hook', 'kind', 'shard'],
      registers: [registry],
    });
  }

  record(engines: readonly PluginFailureMetrics[]): void {
    for (const { shard, failures } of engines) {
      for (const { plugin, hook, kind, count } of failures) this.failures.inc(shard === undefined ? { plugin, hook, kind } : { plugin, hook, kind, shard }, count);
    }
  }
}
