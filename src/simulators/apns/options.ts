/**
 * Options of the APNS simulator, each with its trade-off, and their one-time validation.
 */
import { HeraldError } from '../../core/errors.js';
import type { TlsPair } from '../../core/tls.js';
import type { ProviderKeys } from './jwt-verifier.js';

/** Apple has advertised 500, 1000 and 1500 MAX_CONCURRENT_STREAMS; 1000 sits in the middle. */
export const DEFAULT_MAX_CONCURRENT_STREAMS = 1_000;
/**
 * Records kept of each kind (accepted, rejected) before further ones are only counted: a
 * long-running simulator must not grow without bound (≈ 100 MB worst case at 1 KB a record).
 */
export const DEFAULT_RECORD_LIMIT = 100_000;

export interface ApnsSimulatorOptions {
  /** Listen address; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Listen port; default 0 = any free port. */
  port?: number;
  /** Server certificate and key (PEM); default a fresh self-signed localhost pair. */
  tls?: TlsPair;
  /** Expected JWT `iss`; undefined accepts any team (keys are still checked). */
  teamId?: string;
  /** Key id → ES256 public key (PEM or KeyObject; a .p8 private key also works). */
  keys?: ProviderKeys;
  /** Allowed apns-topic values; undefined allows any topic. */
  topics?: Iterable<string>;
  /** Advertised after the first request with a valid token (1 before it, as Apple does). */
  maxConcurrentStreams?: number;
  /** Go back to 1 advertised stream after a rejection, as Apple was seen doing. Default false. */
  oneStreamAfterRejection?: boolean;
  /** Benchmarks: skip every check and answer 200 once the body is read. Streams = max from the start. */
  acceptAll?: boolean;
  /** Delay before each answer, ms. Default 0 (answer as soon as the body has been read). */
  latencyMs?: number;
  /** Uniform random extra delay in [0, jitterMs), ms. Default 0. */
  jitterMs?: number;
  /** Time source in ms (JWT age, 410 timestamps, record times); default Date.now. */
  clock?: () => number;
  /** Keep `received`/`rejected` records (costs memory per request). Default true. */
  record?: boolean;
  /** Records kept of each kind before they are only counted. Default 100 000. */
  recordLimit?: number;
}

export type ResolvedOptions = Required<Omit<ApnsSimulatorOptions, 'tls' | 'teamId' | 'keys' | 'topics'>> &
  Pick<ApnsSimulatorOptions, 'tls' | 'teamId' | 'keys'> & { topics: ReadonlySet<string> | undefined };

export function resolveOptions(o: ApnsSimulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    tls: o.tls,
    teamId: o.teamId,
    keys: o.keys,
    topics: o.topics === undefined ? undefined : new Set(o.topics),
    maxConcurrentStreams: o.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
    oneStreamAfterRejection: o.oneStreamAfterRejection ?? false,
    acceptAll: o.acceptAll ?? false,
    latencyMs: o.latencyMs ?? 0,
    jitterMs: o.jitterMs ?? 0,
    clock: o.clock ?? Date.now,
    record: o.record ?? true,
    recordLimit: o.recordLimit ?? DEFAULT_RECORD_LIMIT,
  };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65_535) problems.push('port');
  // RFC 9113 §6.5.2: SETTINGS_MAX_CONCURRENT_STREAMS is a 31-bit value.
  const streams = resolved.maxConcurrentStreams;
  if (!Number.isInteger(streams) || streams < 1 || streams > 2 ** 31 - 1) problems.push('maxConcurrentStreams');
  if (!(resolved.latencyMs >= 0)) problems.push('latencyMs');
  if (!(resolved.jitterMs >= 0)) problems.push('jitterMs');
  if (!Number.isInteger(resolved.recordLimit) || resolved.recordLimit < 0) problems.push('recordLimit');
  if (problems.length > 0) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `APNS simulator options out of range: ${problems.join(', ')}`);
  }
  return resolved;
}
