/**
 * Options of the Web Push simulator, each with its trade-off, and their one-time validation.
 * The common ones (listen address, TLS, records, fault modes) are in ../shared/options.ts.
 */
import { HeraldError } from '../../core/errors.js';
import { resolveBaseOptions, type ResolvedBaseOptions, type SimulatorBaseOptions } from '../shared/options.js';

/** Push services document no stream limit; RFC 9113 §6.5.2 recommends advertising no fewer than 100. */
const WEBPUSH_MAX_CONCURRENT_STREAMS = 100;

/** `maxConcurrentStreams` defaults to 100 here. */
export interface WebPushSimulatorOptions extends SimulatorBaseOptions {
  /**
   * Refuse pushes without VAPID (401) even to unrestricted subscriptions. Default true: FCM and
   * Apple require VAPID; false is autopush's legacy behaviour (VAPID checked only when sent or restricted).
   */
  requireVapid?: boolean;
}

export interface ResolvedOptions extends ResolvedBaseOptions {
  requireVapid: boolean;
  maxConcurrentStreams: number;
}

export function resolveOptions(o: WebPushSimulatorOptions): ResolvedOptions {
  const { resolved: base, problems } = resolveBaseOptions(o);
  const r: ResolvedOptions = {
    ...base,
    requireVapid: o.requireVapid ?? true,
    maxConcurrentStreams: o.maxConcurrentStreams ?? WEBPUSH_MAX_CONCURRENT_STREAMS,
  };
  if (typeof r.requireVapid !== 'boolean') problems.push('requireVapid');
  if (problems.length > 0) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `Web Push simulator options out of range: ${problems.join(', ')}`);
  }
  return r;
}
