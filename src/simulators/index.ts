/**
 * The `herald/simulators` entry point: the bundled APNS, FCM and Web Push simulators, and
 * `startSimulatorsFor(config)`, which starts those a config's `[simulators]` enable and returns
 * the config that points the engine at them. Not part of the engine's entry point (src/index.ts):
 * the engine runs on a config, simulated or not, and never imports this folder.
 */
export { startSimulatorsFor, type RunningSimulators } from './for-config.js';
export { pointedAtSimulators, type SimulatedApns, type SimulatedFcm } from './simulated-config.js';
export { startApnsSimulator, type ApnsSimulator } from './apns/index.js';
export { startFcmSimulator, type FcmSimulator } from './fcm/index.js';
export { startWebPushSimulator, type WebPushSimulator } from './webpush/index.js';
