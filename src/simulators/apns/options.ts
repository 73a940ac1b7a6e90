/**
 * Options of the APNS simulator, each with its trade-off, and their one-time validation.
 * The common ones (listen address, TLS, records, fault modes) are in ../shared/options.ts.
 */
import { HeraldError } from '../../core/errors.js';
import { resolveBaseOptions, type ResolvedBaseOptions, type SimulatorBaseOptions } from '../shared/options.js';
import { certificateProblems, type ApnsEnvironment, type TrustedCertificate } from './certificates.js';
import type { ProviderKeys } from './jwt-verifier.js';

/** Apple has advertised 500, 1000 and 1500 MAX_CONCURRENT_STREAMS; 1000 sits in the middle. */
const DEFAULT_MAX_CONCURRENT_STREAMS = 1_000;

export interface ApnsSimulatorOptions extends SimulatorBaseOptions {
  /** Expected JWT `iss`; undefined accepts any team (keys are still checked). */
  teamId?: string;
  /** Key id → ES256 public key (PEM or KeyObject; a .p8 private key also works). */
  keys?: ProviderKeys;
  /** Allowed apns-topic values; undefined allows any topic. */
  topics?: Iterable<string>;
  /**
   * Client certificates trusted for certificate-based auth (Apple: a TLS client certificate
   * instead of a JWT). When given, the server asks every client for a certificate; connections
   * without one keep using provider tokens. Default none (token auth only).
   */
  certificates?: TrustedCertificate[];
  /** Which APNS this simulator plays: a certificate for the other one is BadCertificateEnvironment. Default production. */
  environment?: ApnsEnvironment;
}

export interface ResolvedOptions extends ResolvedBaseOptions {
  teamId: string | undefined;
  keys: ProviderKeys | undefined;
  topics: ReadonlySet<string> | undefined;
  certificates: readonly TrustedCertificate[];
  environment: ApnsEnvironment;
  maxConcurrentStreams: number;
}

export function resolveOptions(o: ApnsSimulatorOptions): ResolvedOptions {
  const { resolved: base, problems } = resolveBaseOptions(o);
  const resolved: ResolvedOptions = {
    ...base,
    teamId: o.teamId,
    keys: o.keys,
    topics: o.topics === undefined ? undefined : new Set(o.topics),
    certificates: o.certificates ?? [],
    environment: o.environment ?? 'production',
    maxConcurrentStreams: o.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
  };
  if (resolved.environment !== 'production' && resolved.environment !== 'development') problems.push('environment');
  problems.push(...certificateProblems(resolved.certificates));
  if (problems.length > 0) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `APNS simulator options out of range: ${problems.join(', ')}`);
  }
  return resolved;
}
