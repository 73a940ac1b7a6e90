export { ActorCell, type Behaviour, type BehaviourFactory, type CellOptions } from './actor-cell.js';
export { ActorRegistry, type RegistryOptions } from './registry.js';
export { startActorRuntime, type ActorRuntime } from './runtime.js';
export { ArrivalOrder } from './arrival-order.js';
