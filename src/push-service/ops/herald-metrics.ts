/**
 * One engine's (or a sharded Herald's) `/metrics` registry: Herald's own families as prom-client
 * metrics in one Registry, set from the figures a scrape gathered and rendered by prom-client.
 * Families that only some Heralds have are registered the first time their figures come: the
 * store's (an engine with a store), the process's (where `herald start` installed its process
 * handlers), the REST port's (scraped through the REST API) and the component link's (a host
 * that joins only while it holds the leadership) and the plugins' (an engine with plugins).
 */
import { Counter, Registry } from 'prom-client';
import { processFailureCounts } from '../../core/process-failures.js';
import type { StoreUsage } from '../../store/size-guard.js';
import { ActorFamily, PushFamilies, type ActorMetrics, type PushServiceMetrics } from './metrics.js';
import { RestFamilies, type RestMetricsSource } from './rest-metrics.js';
import { StoreFamilies } from './store-metrics.js';
import { ComponentLinkFamily, type ComponentLeadershipFigures } from './component-link-metrics.js';
import { PluginFailureFamily, type PluginFailureMetrics } from './plugin-metrics.js';

/** What one scrape gathered. */
export interface MetricsFigures {
  services: readonly PushServiceMetrics[];
  actors: readonly ActorMetrics[];
  store?: StoreUsage;
  rest?: RestMetricsSource;
  /** Whether this instance holds the component link, and what it dropped without; absent unless component.instances = "one_holds_the_link". */
  componentLeadership?: ComponentLeadershipFigures;
  /** Plugin hook failures per engine; absent when no plugin is configured. */
  plugins?: readonly PluginFailureMetrics[];
}

export class HeraldMetrics {
  /** Herald's families; a sharded Herald registers its shard families here too. */
  readonly registry = new Registry();
  private readonly push = new PushFamilies(this.registry);
  private readonly actors = new ActorFamily(this.registry);
  private store?: StoreFamilies;
  private unhandledRejections?: Counter;
  private rest?: RestFamilies;
  private componentLink?: ComponentLinkFamily;
  private plugins?: PluginFailureFamily;
  /** The scrape being rendered: the next one records after it, so two never mix their figures. */
  private previous: Promise<unknown> = Promise.resolve();

  /** Sets every family from `figures` (`more` sets the caller's own) and renders the registry. */
  render(figures: MetricsFigures, more?: () => void): Promise<string> {
    const text = this.previous.then(() => {
      this.registry.resetMetrics();
      this.record(figures);
      more?.();
      return this.registry.metrics();
    });
    this.previous = text.catch(() => undefined);
    return text;
  }

  private record({ services, actors, store, rest, componentLeadership, plugins }: MetricsFigures): void {
    this.push.record(services);
    this.actors.record(actors);
    if (store !== undefined) (this.store ??= new StoreFamilies(this.registry)).record(store);
    const failures = processFailureCounts();
    if (failures !== undefined) {
      this.unhandledRejections ??= new Counter({
        name: 'herald_process_unhandled_rejections_total',
        help: 'Rejected promises nothing handled (logged as HERALD_UNHANDLED_REJECTION; the process keeps running).',
        registers: [this.registry],
      });
      this.unhandledRejections.inc(failures.unhandledRejections);
    }
    if (rest !== undefined) (this.rest ??= new RestFamilies(this.registry)).record(rest);
    if (componentLeadership !== undefined) (this.componentLink ??= new ComponentLinkFamily(this.registry)).record(componentLeadership);
    if (plugins !== undefined) (this.plugins ??= new PluginFailureFamily(this.registry)).record(plugins);
  }
}
