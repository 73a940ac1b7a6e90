/** The shared types both simulators' public APIs use (re-exported by ../apns/index.ts and ../fcm/index.ts). */
export type { DropFault, ErrorBurst, FaultSettings, GoawayFault, ServerErrorBurst } from './fault-settings.js';
export type { SimulatorFaults } from './simulator-server.js';
export type { FaultedRequest } from './recorder.js';
export type { TransportFault } from './transport-faults.js';
