/**
 * A HeraldConfig pointed at running simulators, as an operator would point it at any APNS or FCM
 * host: every pool's endpoint, the CA to trust (`ca_file`) and, for FCM, the service-account
 * file. The engine then runs it as it runs production. Pure: the files are written by the caller.
 */
import type { HeraldConfig } from '../core/config/schema.js';

/** Where a running APNS simulator listens, and the file holding the CA its certificate chains to. */
export interface SimulatedApns {
  url: string;
  caFile: string;
}

/** As SimulatedApns, with the file of the service account the FCM simulator trusts. */
export interface SimulatedFcm {
  url: string;
  caFile: string;
  serviceAccountFile: string;
}

/** Where a running Web Push simulator listens, and its CA: subscriptions it hands out name it as their endpoint's host. */
export interface SimulatedWebPush {
  url: string;
  caFile: string;
}

/**
 * `config` with every pool of a simulated provider sent to its simulator, and `[simulators]` of
 * both providers off: they are running, and a config run twice through startSimulatorsFor must
 * not start another pair.
 */
export function pointedAtSimulators(
  config: HeraldConfig,
  simulated: { apns?: SimulatedApns; fcm?: SimulatedFcm; webpush?: SimulatedWebPush },
): HeraldConfig {
  const { apns, fcm, webpush } = simulated;
  return {
    ...config,
    apns: apns
      ? {
          ...config.apns,
          endpoint: apns.url,
          dev_endpoint: apns.url,
          ca_file: apns.caFile,
          pools: config.apns.pools?.map((pool) => ({ ...pool, endpoint: apns.url })),
        }
      : config.apns,
    fcm: fcm
      ? {
          ...config.fcm,
          endpoint: fcm.url,
          ca_file: fcm.caFile,
          service_account_file: fcm.serviceAccountFile,
          pools: config.fcm.pools?.map((pool) => ({ ...pool, service_account_file: fcm.serviceAccountFile })),
        }
      : config.fcm,
    // Web Push has no endpoint to point: each subscription names its push service. Herald trusts the simulator's CA.
    webpush: webpush ? { ...config.webpush, ca_file: webpush.caFile } : config.webpush,
    simulators: {
      apns: { ...config.simulators.apns, enabled: false },
      fcm: { ...config.simulators.fcm, enabled: false },
      webpush: { ...config.simulators.webpush, enabled: false },
      // Kept as is: it starts only beside a simulator, and both are off now.
      control: config.simulators.control,
    },
  };
}
