/** The bundled APNS simulator: in-process (startApnsSimulator) or as a child process. */
export { startApnsSimulator } from './server.js';
export type { ApnsSimulator } from './simulator.js';
export type { ApnsSimulatorOptions } from './options.js';
export type { TokenBehaviour, TransportFault } from './programs.js';
export type { ApnsRequestHeaders, ApnsSimulatorStats, ReceivedNotification, RejectedNotification } from './recorder.js';
export type { ProviderKey, ProviderKeys } from './jwt-verifier.js';
export { APNS_REASON_STATUS, type ApnsReason, type Rejection } from './reasons.js';
export { spawnApnsSimulatorProcess, type ApnsSimulatorProcess } from './process.js';
