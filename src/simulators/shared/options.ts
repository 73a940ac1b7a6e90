/**
 * Options every simulator has, each with its trade-off, and their one-time validation; each
 * simulator adds its own (../apns/options.ts, ../fcm/options.ts).
 */
import type { TlsPair } from '../../core/tls.js';
import { faultSettingProblems, pickFaultSettings, type FaultSettings } from './fault-settings.js';

/**
 * Records kept of each kind (accepted, rejected, faulted); beyond it the oldest are dropped (the
 * counters go on): a long-running simulator must not grow without bound (≈ 100 MB worst case at 1 KB a record).
 */
const DEFAULT_RECORD_LIMIT = 100_000;

/** The fault modes (fault-settings.ts) are options too: in force from the start. */
export interface SimulatorBaseOptions extends FaultSettings {
  /** Listen address; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Listen port; default 0 = any free port. */
  port?: number;
  /** Server certificate and key (PEM); default a fresh self-signed localhost pair. */
  tls?: TlsPair;
  /** Benchmarks: skip auth and checks, answer 200 once the body is read (programs and faults still apply). */
  acceptAll?: boolean;
  /** Time source in ms (token ages, burst durations, record times); default Date.now. */
  clock?: () => number;
  /** Keep `received`/`rejected`/`faulted` records (costs memory per request). Default true. */
  record?: boolean;
  /** Records kept of each kind: the newest; older ones are dropped, the counters go on. Default 100 000. */
  recordLimit?: number;
}

export interface ResolvedBaseOptions {
  host: string;
  port: number;
  tls: TlsPair | undefined;
  acceptAll: boolean;
  clock: () => number;
  record: boolean;
  recordLimit: number;
  /** The fault modes in force from the start (the fault-setting keys of the options). */
  faults: FaultSettings;
}

/** The common options with their defaults, and every problem among them and the fault settings. */
export function resolveBaseOptions(o: SimulatorBaseOptions): { resolved: ResolvedBaseOptions; problems: string[] } {
  const resolved: ResolvedBaseOptions = {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    tls: o.tls,
    acceptAll: o.acceptAll ?? false,
    clock: o.clock ?? Date.now,
    record: o.record ?? true,
    recordLimit: o.recordLimit ?? DEFAULT_RECORD_LIMIT,
    faults: pickFaultSettings(o),
  };
  const problems = faultSettingProblems(o);
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65_535) problems.push('port');
  if (!Number.isInteger(resolved.recordLimit) || resolved.recordLimit < 0) problems.push('recordLimit');
  return { resolved, problems };
}
