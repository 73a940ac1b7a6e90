/**
 * The Push Service side of the engine: the configured APNS and FCM pools, and — when
 * `simulators.apns` / `simulators.fcm` are enabled — the bundled simulators every pool of that
 * provider is pointed at. With the APNS simulator a dev .p8 key is ensured per token key and the
 * simulator trusts its public half (likewise a dev client certificate per certificate pool); with the FCM simulator every pool uses the service account
 * the simulator trusts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActorRuntime } from '../actors/index.js';
import type { HeraldConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import { makeDirectory } from '../core/make-directory.js';
import { ensureDevApnsKey } from '../push-service/apns/dev-key.js';
import type { FcmServiceAccount } from '../push-service/fcm/oauth.js';
import type { TokenSource } from '../push-service/apns/jwt.js';
import { startApnsPools, type ApnsPoolsOptions } from '../push-service/pools/apns-pool.js';
import { startFcmPools, type FcmPoolsOptions } from '../push-service/pools/fcm-pool.js';
import { apnsPoolSpecs, fcmPoolSpecs, type ApnsPoolSpec } from '../push-service/pools/pool-specs.js';
import { PushPools, type RunningPool } from '../push-service/pools/push-pools.js';
import { generateApnsClientCertificate, startApnsSimulator, type ApnsSimulator, type TrustedCertificate } from '../simulators/apns/index.js';
import { startFcmSimulator, type FcmSimulator } from '../simulators/fcm/index.js';

/**
 * Simulators another thread of this process started (the main thread, for its shards): the
 * pools point at them as they would at simulators of their own.
 */
export interface SimulatorEndpoints {
  apns?: { url: string; ca: string };
  fcm?: { url: string; ca: string; serviceAccount: FcmServiceAccount };
}

/** What the pools of this thread share with other threads of the process (shards/). */
export interface SharedPushParts {
  /** Simulators already running (the pools use them instead of starting their own). */
  simulators?: SimulatorEndpoints;
  /** APNS token sources by tokenSourceId (apns-pool.ts): used when found, filled when made. */
  tokens?: Map<string, TokenSource>;
  /** Connect nothing at start (pools that only hold the token providers, or serve rarely); default: connect. */
  lazy?: boolean;
}

export interface PushSide {
  pools: PushPools;
  apnsSimulator: ApnsSimulator | undefined;
  fcmSimulator: FcmSimulator | undefined;
}

export async function startPushSide(config: HeraldConfig, actors: ActorRuntime, log: Logger, shared: SharedPushParts = {}): Promise<PushSide> {
  const started = shared.simulators;
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const apnsSpecs = apnsPoolSpecs(config.apns);
    const apnsOptions: ApnsPoolsOptions = { warmUp: !shared.lazy, log, tokens: shared.tokens };
    let apnsSimulator: ApnsSimulator | undefined;
    if (started?.apns) {
      Object.assign(apnsOptions, { endpoint: started.apns.url, ca: started.apns.ca, readKey: (path: string) => ensureDevApnsKey(path).privateKeyPem });
    } else if (config.simulators.apns.enabled && apnsSpecs.length > 0) {
      apnsSimulator = await startApnsSimulatorFor(config, apnsSpecs);
      cleanup.push(() => apnsSimulator!.close());
      log.info('apns_simulator.started', { url: apnsSimulator.url });
      Object.assign(apnsOptions, { endpoint: apnsSimulator.url, ca: apnsSimulator.ca, readKey: (path: string) => ensureDevApnsKey(path).privateKeyPem });
    }
    const apnsPools = await startApnsPools(apnsSpecs, config, actors, apnsOptions);
    cleanup.push(() => Promise.all(apnsPools.map((p) => p.close(0))).then(() => undefined));

    const fcmSpecs = fcmPoolSpecs(config.fcm);
    const fcmOptions: FcmPoolsOptions = { warmUp: !shared.lazy };
    let fcmSimulator: FcmSimulator | undefined;
    if (started?.fcm) {
      Object.assign(fcmOptions, { endpoint: started.fcm.url, ca: started.fcm.ca, serviceAccount: started.fcm.serviceAccount });
    } else if (config.simulators.fcm.enabled && fcmSpecs.length > 0) {
      const sim = config.simulators.fcm;
      fcmSimulator = await startFcmSimulator({ host: sim.bind, port: sim.port, acceptAll: sim.accept_all, latencyMs: sim.latency_ms });
      cleanup.push(() => fcmSimulator!.close());
      log.info('fcm_simulator.started', { url: fcmSimulator.url });
      Object.assign(fcmOptions, { endpoint: fcmSimulator.url, ca: fcmSimulator.ca, serviceAccount: fcmSimulator.serviceAccount as FcmServiceAccount });
    }
    const fcmPools = startFcmPools(fcmSpecs, config, actors, log, fcmOptions);
    const pools: RunningPool[] = [...apnsPools, ...fcmPools];
    log.info('push.pools_started', { pools: pools.map((p) => ({ name: p.name, service: p.service, mode: p.mode, tags: p.tags })) });
    return { pools: new PushPools(pools, log), apnsSimulator, fcmSimulator };
  } catch (e) {
    for (const stop of cleanup.reverse()) await stop();
    throw e;
  }
}

/**
 * The APNS simulator trusting every key and certificate the pools use. Dev keys and dev client
 * certificates (for the pool's default topic and its `.voip` twin) are generated where the
 * configured files do not exist yet: the simulator never sees an Apple-issued credential.
 */
async function startApnsSimulatorFor(config: HeraldConfig, specs: readonly ApnsPoolSpec[]): Promise<ApnsSimulator> {
  const sim = config.simulators.apns;
  const keys: Record<string, string> = {};
  const certificates: TrustedCertificate[] = [];
  let teamId = config.apns.team_id;
  for (const spec of specs) {
    if (spec.auth.kind === 'token') {
      keys[spec.auth.keyId] = ensureDevApnsKey(spec.auth.keyFile).publicKeyPem;
      teamId = spec.auth.teamId;
    } else {
      const topic = spec.config.default_topic;
      const certPem = await ensureDevClientCertificate(spec.auth.certFile, spec.auth.keyFile, topic);
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
  });
}

/** The certificate at `certFile` (PEM), generated with its key for `topic` when either file is missing. */
async function ensureDevClientCertificate(certFile: string, keyFile: string, topic: string): Promise<string> {
  if (existsSync(certFile) && existsSync(keyFile)) return readFileSync(certFile, 'utf8');
  const pair = await generateApnsClientCertificate({ topic });
  for (const file of [certFile, keyFile]) makeDirectory(dirname(file)); // not mkdirSync's recursive walk: it can loop forever
  writeFileSync(keyFile, pair.key, { mode: 0o600 });
  writeFileSync(certFile, pair.cert);
  return pair.cert;
}
