/**
 * Starting shard workers: at engine start all of them with one MessageChannel between each pair,
 * and later one again in place of one that died (its peers get a fresh port to it).
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { HeraldConfig } from '../core/config/schema.js';
import { HeraldError } from '../core/errors.js';
import { BatchedPort, itemsOf } from './batched-port.js';
import type { FromShard, NewPeer, ShardStarted, ToShard } from './shard-protocol.js';
import type { ShardWorkerData } from './shard-worker.js';

export interface Shard {
  index: number;
  worker: Worker;
  port: BatchedPort<ToShard>;
  /** False once the worker exited: its stanzas are refused (IQ requests answered) until it is replaced. */
  alive: boolean;
  /**
   * The first error the worker reported ('error' event): why it did not start (EMFILE while its
   * modules load: ERR_WORKER_INIT_FAILED or the loader's own EMFILE) or why it died. Always
   * listened for: an 'error' with no listener would be thrown on the main thread and end the
   * process (HERALD_UNCAUGHT_EXCEPTION) instead of counting as this shard's death.
   */
  failure: unknown;
  /** Resolves when the shard said `closed` or its worker exited. */
  closed: Promise<void>;
  markClosed: () => void;
  /** Where the shard's batches go; until the engine listens they wait in `early` (log lines of its start). */
  deliver: (batch: FromShard[]) => void;
  early: FromShard[][];
}

export interface SpawnSettings {
  /** The shards' config (shardConfig). */
  config: HeraldConfig;
  count: number;
  idBase: string;
  /** The APNS tokens a shard starts with (token-relay.ts). */
  tokens: () => Array<[string, string]>;
}

export class ShardSpawner {
  constructor(private readonly settings: SpawnSettings) {}

  /**
   * Every shard, started and ready; on any failure all are stopped and it throws HERALD_SHARD_FAILED.
   * One after another: a worker opens every file of its module graph at once while it loads
   * (zod alone: some 80 locale files), so starting them together multiplies the process's peak of
   * descriptors by the shard count (measured: 2 shards did not start under 160 descriptors).
   */
  async startAll(): Promise<Shard[]> {
    const { count } = this.settings;
    const peers: Array<Array<MessagePort | undefined>> = Array.from({ length: count }, () => new Array<MessagePort | undefined>(count));
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        const { port1, port2 } = new MessageChannel();
        peers[i]![j] = port1;
        peers[j]![i] = port2;
      }
    }
    const shards: Shard[] = [];
    try {
      for (const [index, ports] of peers.entries()) {
        const shard = this.spawn(index, ports);
        shards.push(shard);
        await this.ready(shard);
      }
    } catch (e) {
      await Promise.all(shards.map((s) => s.worker.terminate()));
      for (const ports of peers.slice(shards.length)) for (const port of ports) port?.close();
      throw e;
    }
    return shards;
  }

  /** Shard `index` again, connected to each live shard of `others` by a new channel; ready when it resolves. */
  async replace(index: number, others: readonly Shard[]): Promise<Shard> {
    const ports = new Array<MessagePort | undefined>(this.settings.count);
    for (const other of others) {
      if (other.index === index || !other.alive) continue;
      const { port1, port2 } = new MessageChannel();
      ports[other.index] = port1;
      const peer: NewPeer = { peer: index, port: port2 };
      other.worker.postMessage(peer, [port2]);
    }
    const shard = this.spawn(index, ports);
    try {
      await this.ready(shard);
    } catch (e) {
      await shard.worker.terminate();
      throw e;
    }
    return shard;
  }

  private spawn(index: number, ports: Array<MessagePort | undefined>): Shard {
    const { config, idBase } = this.settings;
    const data: ShardWorkerData = { index, config, idPrefix: `${idBase}${index}-`, tokens: this.settings.tokens(), peers: ports };
    const worker = new Worker(new URL('./shard-worker.js', import.meta.url), {
      workerData: data,
      transferList: ports.filter((p): p is MessagePort => p !== undefined),
      name: `herald-shard-${index}`,
      resourceLimits: { maxYoungGenerationSizeMb: config.shards.young_generation_mib },
    });
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const early: FromShard[][] = [];
    const shard: Shard = { index, worker, port: new BatchedPort<ToShard>(worker), alive: true, failure: undefined, closed, markClosed, early, deliver: (batch) => early.push(batch) };
    worker.on('error', (error) => (shard.failure ??= error));
    // The first message is ShardStarted (ready); every later one a batch.
    worker.on('message', (message: string | ShardStarted) => {
      if (typeof message === 'string') shard.deliver(itemsOf<FromShard>(message));
    });
    worker.once('exit', () => markClosed());
    return shard;
  }

  private ready(shard: Shard): Promise<void> {
    const { worker, index } = shard;
    const timeoutMs = this.settings.config.shards.start_timeout_ms;
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        reject(new HeraldError('HERALD_SHARD_FAILED', `shard ${index}: ${why}`));
      };
      const onMessage = (started: ShardStarted | string): void => {
        if (typeof started === 'string') return void worker.once('message', onMessage); // log lines of its start
        if (!started.ready) return fail(started.error);
        clearTimeout(timer);
        worker.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number): void => fail(`exited with code ${code} before it was ready${shard.failure === undefined ? '' : `: ${describe(shard.failure)}`}`);
      const timer = setTimeout(() => fail(`not ready within shards.start_timeout_ms (${timeoutMs} ms)`), timeoutMs);
      worker.once('message', onMessage);
      worker.once('exit', onExit);
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
