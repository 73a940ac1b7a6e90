/**
 * What one Herald engine (the process unsharded, or one shard) reports for /healthcheck and
 * /metrics: its pools' stats as the senders keep them, and its live actors. Plain JSON values:
 * a shard's cross the thread boundary as they are (shards/shard-protocol.ts).
 */
import type { PluginFailureCount } from '../../plugins/plugin-chain.js';
import type { PoolStats, RunningPool } from '../pools/push-pools.js';

export interface PoolFigures {
  service: RunningPool['service'];
  /** The pool's configured name (`apns-prod`, `fcm`, …). */
  name: string;
  stats: PoolStats;
}

/** Actors alive now, by kind (idle ones are passivated: these are the working set, not the users). */
export interface ActorFigures {
  /** User actors of the XMPP Server role. */
  users: number;
  /** Push-node actors of the App Server role. */
  nodes: number;
}

export interface EngineFigures {
  pools: PoolFigures[];
  actors: ActorFigures;
  /** Plugin hook failures so far; absent when no plugin is configured. */
  plugins?: PluginFailureCount[];
}
