/** The bundled APNS simulator: in-process (startApnsSimulator) or as a child process. */
export { startApnsSimulator } from './server.js';
export type { ApnsSimulator } from './simulator.js';
export type { ApnsSimulatorOptions } from './options.js';
export type { TokenBehaviour } from './programs.js';
export type { ApnsRequestHeaders, ApnsSimulatorStats, ReceivedNotification, RejectedNotification } from './recorder.js';
export type { ProviderKey, ProviderKeys } from './jwt-verifier.js';
export type { ApnsEnvironment, TrustedCertificate } from './certificates.js';
export {
  generateApnsClientCertificate,
  loadOrGenerateApnsClientCertificate,
  type ClientCertificateOptions,
} from './client-certificate.js';
export { APNS_REASON_STATUS, type ApnsReason, type Rejection } from './reasons.js';
export { spawnApnsSimulatorProcess, type ApnsProcessOptions, type ApnsSimulatorProcess } from './process.js';
export type * from '../shared/public-types.js';
