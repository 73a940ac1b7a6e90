/**
 * The pre-flight: everything the configuration names outside itself — files, folders, listen
 * addresses — resolved and checked before anything starts, every problem reported at once in
 * one HERALD_CONFIG_FILE (key, path, cause, and the environment variable that set the key).
 * `herald start` and `herald check-config` run the same checks; only `start` also probes that
 * its fixed ports are free (a running Herald holds its own, which check-config must not flag).
 */
import { ConfigFileError, type FileProblem } from '../core/config/config-file-error.js';
import type { EnvOrigins } from '../core/config/config-problem.js';
import { originOf } from '../core/config/env-overrides.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { apnsPoolSpecs, fcmPoolSpecs } from '../push-service/pools/pool-specs.js';
import { bindAddressProblem } from './address-check.js';
import { checkApns, checkFcm, checkRemotePush, checkRestTls, type Findings } from './credential-checks.js';
import { storeFolderProblem } from './folder-check.js';
import { checkPluginFiles } from './plugin-files.js';
import { portProblem } from './port-probe.js';

export interface PreflightOptions {
  /** Listen on each fixed port once and close (start only). */
  probePorts?: boolean;
}

export interface PreflightReport {
  problems: FileProblem[];
  /** Not errors, but worth a line: e.g. an FCM pool left out for want of its default service account. */
  warnings: string[];
}

export async function preflight(
  loaded: { config: HeraldConfig; origins?: EnvOrigins },
  options: PreflightOptions = {},
): Promise<PreflightReport> {
  const { config } = loaded;
  const origins = loaded.origins ?? new Map();
  const problems: FileProblem[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const found: Findings = {
    problem(key, path, cause) {
      const id = `${key}\u0000${path}\u0000${cause}`;
      if (seen.has(id)) return; // the default APNS pools share one key file
      seen.add(id);
      const env = originOf(key, origins)?.name;
      problems.push(env === undefined ? { key, path, cause } : { key, path, cause, env });
    },
    warning: (text) => warnings.push(text),
  };
  // With the postgres backend no LMDB folder is made (embed/role-stores.ts); the database is reached at start.
  const storeProblem = config.store.backend === 'lmdb' ? storeFolderProblem(config.store.path) : undefined;
  if (storeProblem) found.problem('store.path', config.store.path, storeProblem);
  checkRestTls(config.rest, found);
  checkApns(config, found);
  checkFcm(config, found, (key) => originOf(key, origins) !== undefined);
  checkRemotePush(config.remote_push, found);
  checkPluginFiles(config.plugins.modules, found);
  await checkListeners(config, found, options.probePorts === true);
  return { problems, warnings };
}

/** Runs the pre-flight; throws one ConfigFileError with every problem, else returns the warnings. */
export async function assertPreflight(loaded: { config: HeraldConfig; origins?: EnvOrigins }, options: PreflightOptions = {}): Promise<string[]> {
  const report = await preflight(loaded, options);
  if (report.problems.length > 0) throw new ConfigFileError(report.problems);
  return report.warnings;
}

interface Listener {
  bindKey: string;
  portKey: string;
  host: string;
  port: number;
}

/** The REST port and the simulators (and their control API) that will start, each checked for a bindable address (and a free port). */
async function checkListeners(config: HeraldConfig, found: Findings, probePorts: boolean): Promise<void> {
  const listeners: Listener[] = [];
  if (config.rest.enabled) listeners.push({ bindKey: 'rest.bind', portKey: 'rest.port', host: config.rest.bind, port: config.rest.port });
  const { apns, fcm } = config.simulators;
  if (apns.enabled && apnsPoolSpecs(config.apns).length > 0) {
    listeners.push({ bindKey: 'simulators.apns.bind', portKey: 'simulators.apns.port', host: apns.bind, port: apns.port });
  }
  if (fcm.enabled && fcmPoolSpecs(config.fcm).length > 0) {
    listeners.push({ bindKey: 'simulators.fcm.bind', portKey: 'simulators.fcm.port', host: fcm.bind, port: fcm.port });
  }
  // The control API (and its push inbox) starts with any simulator (simulators/for-config.ts).
  const control = config.simulators.control;
  if (control.enabled && listeners.some((l) => l.portKey.startsWith('simulators.'))) {
    listeners.push({ bindKey: 'simulators.control.bind', portKey: 'simulators.control.port', host: control.bind, port: control.port });
  }
  const bindable = new Set<Listener>();
  for (const listener of listeners) {
    const problem = await bindAddressProblem(listener.host);
    if (problem) found.problem(listener.bindKey, listener.host, problem);
    else bindable.add(listener);
  }
  const taken = new Map<number, Listener>();
  for (const listener of bindable) {
    if (listener.port === 0) continue; // any free port
    const earlier = taken.get(listener.port);
    if (earlier) {
      found.problem(listener.portKey, `${listener.host}:${listener.port}`, `is also ${earlier.portKey}; two listeners cannot share a port`);
      continue;
    }
    taken.set(listener.port, listener);
    if (!probePorts) continue;
    const problem = await portProblem(listener.host, listener.port);
    if (problem) found.problem(listener.portKey, `${listener.host}:${listener.port}`, problem);
  }
}
