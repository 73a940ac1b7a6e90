/**
 * The FCM side of the push service: with `simulators.fcm` enabled, the bundled simulator is
 * started and the senders get its URL, certificate and the service account it trusts; without
 * it, FCM runs when `fcm.service_account_file` exists, and is left out (FCM requests are then
 * answered `no_matching_pool`) when it does not — an APNS-only deployment must not fail to start.
 */
import { existsSync } from 'node:fs';
import type { ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import { FcmPushService } from '../push-service/fcm/index.js';
import type { FcmServiceAccount } from '../push-service/fcm/oauth.js';
import { startFcmSimulator, type FcmSimulator } from '../simulators/fcm/index.js';

export interface FcmSide {
  service: FcmPushService | undefined;
  simulator: FcmSimulator | undefined;
}

export async function startFcmSide(config: HeraldConfig, actors: ActorRuntime, log: Logger): Promise<FcmSide> {
  const sim = config.simulators.fcm;
  if (sim.enabled) {
    const simulator = await startFcmSimulator({
      host: sim.bind,
      port: sim.port,
      acceptAll: sim.accept_all,
      latencyMs: sim.latency_ms,
    });
    log.info('fcm_simulator.started', { url: simulator.url });
    const service = new FcmPushService(config.fcm, config.actors, actors, {
      endpoint: simulator.url,
      ca: simulator.ca,
      serviceAccount: simulator.serviceAccount as FcmServiceAccount,
    });
    return { service, simulator };
  }
  if (!existsSync(config.fcm.service_account_file)) {
    log.warn('fcm.disabled', { reason: `no service account at ${config.fcm.service_account_file}` });
    return { service: undefined, simulator: undefined };
  }
  return { service: new FcmPushService(config.fcm, config.actors, actors), simulator: undefined };
}
