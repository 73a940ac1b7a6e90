/**
 * The engine `herald start` runs: the roles on `shards.count` worker threads (ShardedHerald), or
 * on the calling thread when it is 0 (Herald). "auto" is one shard per core the process may use.
 * It sits with the shards, the layer above the engine: src/embed/ knows nothing of shards.
 */
import { availableParallelism } from 'node:os';
import type { HeraldConfig } from '../core/config/schema.js';
import { Herald, type HeraldOptions } from '../embed/engine.js';
import { ShardedHerald } from './sharded-herald.js';

export type PushEngine = Herald | ShardedHerald;

export function shardCountOf(config: HeraldConfig): number {
  const { count } = config.shards;
  return count === 'auto' ? availableParallelism() : count;
}

export function startEngine(options: HeraldOptions): Promise<PushEngine> {
  const count = shardCountOf(options.config);
  return count === 0 ? Herald.start(options) : ShardedHerald.start(options, count);
}
