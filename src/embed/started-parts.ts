/**
 * How an engine (embed/engine.ts, shards/sharded-herald.ts) starts and stops its parts. The
 * shutdown order, written once: each part is recorded as it starts, and every
 * way out — `close()`, or a start that failed halfway — stops what was started in the reverse
 * order. A part stops only after every part started after it (which may still use it) stopped:
 * the REST API before the pools it sends to, the pools before the actor system, the store last.
 */
import { startActorRuntime, type ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { redacting, silentLogger, type Logger } from '../core/log.js';
import { openStore, type HeraldStore } from '../store/lmdb-store.js';

export type Stop = () => Promise<unknown> | unknown;

export class StartedParts {
  private readonly stops: Stop[] = [];

  /** Records a part that started; `stop` is called once, after every part added later. */
  add(stop: Stop): void {
    this.stops.push(stop);
  }

  /** Stops every recorded part, the last started first; a second call finds nothing left. */
  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}

/**
 * What every engine starts first, recorded in `started`: the LMDB store (with `store.backend =
 * "lmdb"`), then the actor runtime. The roles' stores are opened on it (role-stores.ts).
 */
export interface EngineGround {
  /** The host's logger (or none) with Herald's redaction (core/log.ts). */
  log: Logger;
  /** The process's LMDB environment; undefined with `store.backend = "postgres"`. */
  store: HeraldStore | undefined;
  actors: ActorRuntime;
}

export function startGround(config: HeraldConfig, logger: Logger | undefined, started: StartedParts): EngineGround {
  // A host's logger gets the same redaction as Herald's own (core/log.ts).
  const log = redacting(logger ?? silentLogger);
  const store = config.store.backend === 'lmdb' ? openStore(config.store, log) : undefined;
  if (store) started.add(() => store.close());
  const actors = startActorRuntime();
  started.add(() => actors.stop());
  return { log, store, actors };
}

