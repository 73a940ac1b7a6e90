/**
 * An engine on the bundled simulators, as `herald start` runs one: the simulators the config's
 * `[simulators]` enable are started first (simulators/for-config.ts), the engine gets the config
 * pointing at them, and `close()` stops the engine before the simulators.
 */
import type { HeraldConfig } from '../../src/core/config/schema.js';
import { Herald, type HeraldOptions } from '../../src/embed/engine.js';
import type { ApnsSimulator } from '../../src/simulators/apns/index.js';
import type { FcmSimulator } from '../../src/simulators/fcm/index.js';
import { startSimulatorsFor } from '../../src/simulators/for-config.js';
import type { WebPushSimulator } from '../../src/simulators/webpush/index.js';

export interface OnSimulators<E> {
  herald: E;
  /** The APNS simulator, when the config enables it (the default). */
  apns: ApnsSimulator | undefined;
  /** The FCM simulator, when the config enables it (the default). */
  fcm: FcmSimulator | undefined;
  /** The Web Push service simulator, when the config enables it (the default). */
  webpush: WebPushSimulator | undefined;
  /** The config the engine runs: pointed at the simulators. */
  config: HeraldConfig;
  /** The engine's close(), then the simulators'. */
  close(): Promise<void>;
}

/** `start` (Herald.start, ShardedHerald.start, startEngine…) on the config pointed at the simulators. */
export async function onSimulators<E extends { close(): Promise<void> }>(
  config: HeraldConfig,
  start: (config: HeraldConfig) => Promise<E>,
): Promise<OnSimulators<E>> {
  const simulators = await startSimulatorsFor(config);
  let herald: E;
  try {
    herald = await start(simulators.config);
  } catch (e) {
    await simulators.close();
    throw e;
  }
  return {
    herald,
    apns: simulators.apns,
    fcm: simulators.fcm,
    webpush: simulators.webpush,
    config: simulators.config,
    async close() {
      await herald.close();
      await simulators.close();
    },
  };
}

/** Herald.start(options) on the simulators `options.config` enables. */
export function startHeraldOnSimulators(options: HeraldOptions): Promise<OnSimulators<Herald>> {
  return onSimulators(options.config, (config) => Herald.start({ ...options, config }));
}
