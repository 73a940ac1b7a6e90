/**
 * The bundled simulators a config asks for (`[simulators.apns]`, `[simulators.fcm]`,
 * `[simulators.webpush]`), started
 * outside the engine: `herald start`, the demo, tests and benchmarks call this and hand the
 * engine the config it returns, which points every pool of a simulated provider at its simulator
 * the way a production config points at Apple and Google. The engine itself never starts, knows
 * or imports a simulator.
 *
 * With the APNS simulator a dev .p8 key is ensured per token key and the simulator trusts its
 * public half (likewise a dev client certificate per certificate pool); with the FCM simulator
 * every pool uses the service account the simulator generated and trusts. The simulators' CAs
 * and that account are written to a folder beside the store, removed by `close()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HeraldConfig } from '../core/config/schema.js';
import { silentLogger, type Logger } from '../core/log.js';
import { makeDirectory } from '../core/make-directory.js';
import { ensureDevApnsKey } from '../push-service/apns/dev-key.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../push-service/pools/pool-specs.js';
import { startApnsSimulator, type ApnsSimulator, type TrustedCertificate } from './apns/index.js';
import { startControlServer, type ControlServer } from './control/server.js';
import { ensureDevClientCertificate } from './dev-client-certificate.js';
import { startFcmSimulator, type FcmSimulator } from './fcm/index.js';
import { pointedAtSimulators, type SimulatedApns, type SimulatedFcm, type SimulatedWebPush } from './simulated-config.js';
import { startWebPushSimulator, type WebPushSimulator } from './webpush/index.js';

export interface RunningSimulators {
  /** The config to start the engine with: every simulated provider's pools point at its simulator. */
  config: HeraldConfig;
  /** The APNS simulator, when `simulators.apns.enabled` and APNS has a pool. */
  apns?: ApnsSimulator;
  /** The FCM simulator, when `simulators.fcm.enabled` and FCM has a pool. */
  fcm?: FcmSimulator;
  /** The Web Push service simulator, when `simulators.webpush.enabled` and `webpush.enabled`. */
  webpush?: WebPushSimulator;
  /** The control API (`simulators.control`), when enabled and a simulator runs. */
  control?: { url: string };
  /** Stops the simulators and removes their files; call it after the engine's close(). */
  close(): Promise<void>;
}

export async function startSimulatorsFor(config: HeraldConfig, log: Logger = silentLogger): Promise<RunningSimulators> {
  const wantsApns = config.simulators.apns.enabled && apnsPoolSpecs(config.apns).length > 0;
  const wantsFcm = config.simulators.fcm.enabled && fcmPoolSpecs(config.fcm).length > 0;
  const wantsWebPush = config.simulators.webpush.enabled && config.webpush.enabled;
  let folder: string | undefined;
  let webpush: WebPushSimulator | undefined;
  let apns: ApnsSimulator | undefined;
  let fcm: FcmSimulator | undefined;
  let control: ControlServer | undefined;
  const close = async (): Promise<void> => {
    await control?.close();
    await apns?.close();
    await fcm?.close();
    await webpush?.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  };
  try {
    const simulated: { apns?: SimulatedApns; fcm?: SimulatedFcm; webpush?: SimulatedWebPush } = {};
    if (wantsApns || wantsFcm || wantsWebPush) folder = simulatorFolder(config);
    if (wantsApns) {
      apns = await startApnsSimulatorFor(config);
      log.info('apns_simulator.started', { url: apns.url });
      simulated.apns = { url: apns.url, caFile: written(folder!, 'apns-ca.pem', apns.ca) };
    }
    if (wantsFcm) {
      const sim = config.simulators.fcm;
      fcm = await startFcmSimulator({
        host: sim.bind,
        port: sim.port,
        acceptAll: sim.accept_all,
        latencyMs: sim.latency_ms,
        recordLimit: sim.records_kept,
      });
      log.info('fcm_simulator.started', { url: fcm.url });
      simulated.fcm = {
        url: fcm.url,
        caFile: written(folder!, 'fcm-ca.pem', fcm.ca),
        serviceAccountFile: written(folder!, 'fcm-service-account.json', JSON.stringify(fcm.serviceAccount)),
      };
    }
    if (wantsWebPush) {
      const sim = config.simulators.webpush;
      webpush = await startWebPushSimulator({ host: sim.bind, port: sim.port, acceptAll: sim.accept_all, recordLimit: sim.records_kept });
      log.info('webpush_simulator.started', { url: webpush.url });
      simulated.webpush = { url: webpush.url, caFile: written(folder!, 'webpush-ca.pem', webpush.ca) };
    }
    const ctl = config.simulators.control;
    if (ctl.enabled && (apns !== undefined || fcm !== undefined || webpush !== undefined)) {
      control = await startControlServer(
        { ...(apns ? { apns } : {}), ...(fcm ? { fcm } : {}), ...(webpush ? { webpush } : {}) },
        {
          host: ctl.bind,
          port: ctl.port,
          ...(ctl.auth_token !== undefined ? { authToken: ctl.auth_token } : {}),
          maxBodyBytes: ctl.max_body_bytes,
          defaultLimit: ctl.page_size,
          maxLimit: ctl.max_page_size,
          log,
        },
      );
      log.info('simulator_control.started', { url: control.url });
    }
    return { config: pointedAtSimulators(config, simulated), apns, fcm, webpush, ...(control ? { control: { url: control.url } } : {}), close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * The APNS simulator trusting every key and certificate the pools use. Dev keys and dev client
 * certificates (for the pool's default topic and its `.voip` twin) are generated where the
 * configured files do not exist yet: the simulator never sees an Apple-issued credential.
 */
async function startApnsSimulatorFor(config: HeraldConfig): Promise<ApnsSimulator> {
  const sim = config.simulators.apns;
  const keys: Record<string, string> = {};
  const certificates: TrustedCertificate[] = [];
  let teamId = config.apns.team_id;
  for (const spec of apnsPoolSpecs(config.apns)) {
    if (spec.auth.kind === 'token') {
      keys[spec.auth.keyId] = ensureDevApnsKey(spec.auth.keyFile.path).publicKeyPem;
      teamId = spec.auth.teamId;
    } else {
      const topic = spec.topic;
      const certPem = await ensureDevClientCertificate(spec.auth.certFile.path, spec.auth.keyFile.path, topic);
      certificates.push({ certPem, topics: [topic, `${topic}.voip`] });
    }
  }
  return startApnsSimulator({
    host: sim.bind,
    port: sim.port,
    teamId,
    keys,
    certificates,
    maxConcurrentStreams: sim.max_concurrent_streams,
    acceptAll: sim.accept_all,
    latencyMs: sim.latency_ms,
    recordLimit: sim.records_kept,
  });
}

/**
 * A fresh folder beside the store (the data folder) for this run's simulator files: each run's
 * CAs differ, and two engines on one data folder must not overwrite each other's.
 */
function simulatorFolder(config: HeraldConfig): string {
  const dataFolder = dirname(config.store.path);
  makeDirectory(dataFolder); // not mkdirSync's recursive walk: it can loop forever
  return mkdtempSync(join(dataFolder, 'simulators-'));
}

/** `content` written to `name` in `folder` (owner-only: the FCM file holds a private key); its path. */
function written(folder: string, name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}
