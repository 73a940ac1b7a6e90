/**
 * /healthcheck and /metrics of a sharded Herald. The XMPP roles' pools and actors live in the
 * shards, so each scrape asks every live shard for its figures over its port (`ops`, answered
 * between its stanzas) and waits at most shards.ops_timeout_ms; nothing is sent on a timer. The
 * main thread's own pools (the REST API's) are read as the unsharded Herald reads them.
 *
 * What an operator gets: every pool's check with one entry per thread (`componentId` shard-<i>
 * for a shard's, none for the main thread's), a `shard` check per shard, and every pool family
 * with a `shard` label on the shards' series. A shard that is dead, being restarted or silent
 * past the timeout fails its entries (its pools as last reported, all disconnected), makes the
 * overall status `warn`, and is `herald_shard_up 0`, as a dead sender thread fails its pool.
 */
import type { HealthReport, PoolHealth, ShardHealth } from '../push-service/ops/healthcheck.js';
import { healthReport } from '../push-service/ops/healthcheck.js';
import type { EngineFigures, PoolFigures } from '../push-service/ops/engine-figures.js';
import { Counter, Gauge } from 'prom-client';
import { HeraldMetrics, type MetricsFigures } from '../push-service/ops/herald-metrics.js';
import type { ActorMetrics, PushServiceMetrics } from '../push-service/ops/metrics.js';
import type { PluginFailureMetrics } from '../push-service/ops/plugin-metrics.js';
import { poolFigures, poolHealth, poolMetrics, type OpsSource } from '../push-service/ops/ops-source.js';
import type { RestMetricsSource } from '../push-service/ops/rest-metrics.js';
import type { ComponentLeadershipFigures } from '../push-service/ops/component-link-metrics.js';
import type { RunningPool } from '../push-service/pools/push-pools.js';
import type { StoreUsage } from '../store/lmdb-store.js';
import type { Shard } from './shard-spawner.js';

export interface ShardReport {
  shard: number;
  state: ShardHealth['state'];
  /** Present when the shard answered. */
  figures?: EngineFigures;
}

export interface ShardOpsOptions {
  /** The shards now (a dead one's replacement takes its index). */
  shards: () => readonly Shard[];
  /** shards.ops_timeout_ms */
  timeoutMs: number;
  /** The main thread's pools (the REST API's). */
  mainPools: readonly RunningPool[];
  releaseId: string;
  /** LMDB's use; absent on PostgreSQL (its server bounds its own storage). */
  store?: () => StoreUsage;
  /** Each pool's connections in one shard (shardConfig's split), for a shard that never answered. */
  connectionsPerShard: (pool: RunningPool) => number;
  /** The host's HeraldHost.componentLeadership, as the herald_component_* families. */
  componentLeadership?: () => ComponentLeadershipFigures | undefined;
}

export class ShardOps {
  private seq = 0;
  private readonly waiting = new Map<number, { shard: number; settle: (figures: EngineFigures | undefined) => void }>();
  /** Each shard's pools as it last reported them: a shard that is down shows them disconnected. */
  private readonly lastPools = new Map<number, PoolFigures[]>();
  /** Shard workers that exited while Herald ran, per shard (herald_shard_exits_total). */
  private readonly exits: number[];
  private readonly families = new HeraldMetrics();
  private readonly shardUp = new Gauge({
    name: 'herald_shard_up',
    help: 'Shards that answered this scrape (1), or are dead, being restarted, or silent past shards.ops_timeout_ms (0).',
    labelNames: ['shard'],
    registers: [this.families.registry],
  });
  private readonly shardExits = new Counter({
    name: 'herald_shard_exits_total',
    help: 'Shard workers that exited while Herald ran (each is started again; HERALD_SHARD_FAILED in the log).',
    labelNames: ['shard'],
    registers: [this.families.registry],
  });

  constructor(private readonly options: ShardOpsOptions) {
    this.exits = options.shards().map(() => 0);
  }

  /** Every shard's figures, or why not: asked now, each answer awaited at most shards.ops_timeout_ms. */
  reports(): Promise<ShardReport[]> {
    return Promise.all(this.options.shards().map((shard) => this.ask(shard)));
  }

  /** A shard's `ops` answer. */
  answered(id: number, figures: EngineFigures): void {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    waiting?.settle(figures);
  }

  /** Shard `index` exited (`died`: not closed with Herald): what waits on it is reported down now, not at the timeout. */
  shardExited(index: number, died: boolean): void {
    if (died) this.exits[index] = (this.exits[index] ?? 0) + 1;
    for (const [id, waiting] of this.waiting) {
      if (waiting.shard !== index) continue;
      this.waiting.delete(id);
      waiting.settle(undefined);
    }
  }

  readonly source: OpsSource = {
    health: () => this.reports().then((reports) => this.health(reports)),
    metrics: (rest) => this.reports().then((reports) => this.metrics(reports, rest)),
  };

  private ask(shard: Shard): Promise<ShardReport> {
    const { index } = shard;
    if (!shard.alive) return Promise.resolve({ shard: index, state: 'down' });
    const id = ++this.seq;
    return new Promise<ShardReport>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ shard: index, state: 'not_answering' });
      }, this.options.timeoutMs);
      this.waiting.set(id, {
        shard: index,
        settle: (figures) => {
          clearTimeout(timer);
          if (figures === undefined) return resolve({ shard: index, state: 'down' });
          this.lastPools.set(index, figures.pools);
          resolve({ shard: index, state: 'up', figures });
        },
      });
      shard.port.send(['ops', id]);
    });
  }

  private health(reports: readonly ShardReport[]): HealthReport {
    const { mainPools, releaseId, store } = this.options;
    const pools: PoolHealth[] = poolFigures(mainPools).map((p) => poolHealth(p, p.stats));
    for (const report of reports) {
      const componentId = `shard-${report.shard}`;
      if (report.figures) {
        for (const p of report.figures.pools) pools.push({ ...poolHealth(p, p.stats), componentId });
        continue;
      }
      for (const pool of this.poolsOf(report.shard)) pools.push({ name: pool.name, connected: 0, disconnected: pool.connections, componentId });
    }
    const shards: ShardHealth[] = reports.map(({ shard, state, figures }) =>
      figures ? { shard, state, liveUsers: figures.actors.users, liveNodes: figures.actors.nodes } : { shard, state },
    );
    return healthReport(pools, releaseId, new Date(), store?.(), shards);
  }

  private metrics(reports: readonly ShardReport[], rest: RestMetricsSource | undefined): Promise<string> {
    const services: PushServiceMetrics[] = poolFigures(this.options.mainPools).map((p) => poolMetrics(p, p.stats));
    const actors: ActorMetrics[] = [];
    const plugins: PluginFailureMetrics[] = [];
    for (const { shard, figures } of reports) {
      if (!figures) continue;
      for (const p of figures.pools) services.push(poolMetrics(p, p.stats, shard));
      actors.push({ shard: String(shard), actors: figures.actors });
      if (figures.plugins !== undefined) plugins.push({ shard: String(shard), failures: figures.plugins });
    }
    const figures: MetricsFigures = { services, actors, store: this.options.store?.() };
    if (plugins.length > 0) figures.plugins = plugins;
    if (rest !== undefined) figures.rest = rest;
    const leadership = this.options.componentLeadership?.();
    if (leadership !== undefined) figures.componentLeadership = leadership;
    return this.families.render(figures, () => {
      for (const { shard, state } of reports) this.shardUp.set({ shard }, state === 'up' ? 1 : 0);
      this.exits.forEach((n, shard) => this.shardExits.inc({ shard }, n));
    });
  }

  /** A shard's pools for a report without figures: as it last reported them, else as configured. */
  private poolsOf(shard: number): Array<{ name: string; connections: number }> {
    const last = this.lastPools.get(shard);
    if (last) return last.map((p) => ({ name: p.name, connections: p.stats.connectionStates.length }));
    return this.options.mainPools.map((pool) => ({ name: pool.name, connections: this.options.connectionsPerShard(pool) }));
  }
}
