/** The nact actor system Herald's actors live in. */
import { start, stop, type Ref } from 'nact';

export interface ActorRuntime {
  readonly system: Ref<unknown>;
  stop(): void;
}

export function startActorRuntime(): ActorRuntime {
  const system = start() as unknown as Ref<unknown>;
  return { system, stop: () => stop(system as Ref<never>) };
}
