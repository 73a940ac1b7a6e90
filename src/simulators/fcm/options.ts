/**
 * Options of the FCM simulator, each with its trade-off, and their one-time validation.
 */
import type { KeyObject } from 'node:crypto';
import { HeraldError } from '../../core/errors.js';
import type { TlsPair } from '../../core/tls.js';

/** FCM allows 100 concurrent streams per HTTP/2 connection (reference: apns-fcm.md). */
export const FCM_MAX_CONCURRENT_STREAMS = 100;
/** Google's access tokens live about one hour (reference: apns-fcm.md), seconds. */
export const DEFAULT_ACCESS_TOKEN_SECONDS = 3_600;
/** Project id served when none is configured. */
export const DEFAULT_PROJECT_ID = 'herald-sim';
/** Records kept of each kind before further ones are only counted (memory bound, ≈ 100 MB worst case). */
export const DEFAULT_RECORD_LIMIT = 100_000;

/** A service account whose assertions the token endpoint accepts. */
export interface TrustedServiceAccount {
  clientEmail: string;
  /** RSA public key (PEM, or KeyObject; a private key also works). */
  publicKey: string | KeyObject;
}

/** FCM's per-project quota as a bucket: `messages` per `windowMs`, windows start at the first message. */
export interface QuotaOptions {
  messages: number;
  /** Window length, ms (FCM: one minute; windows are not clock-aligned). */
  windowMs: number;
}

export interface FcmSimulatorOptions {
  /** Listen address; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Listen port; default 0 = any free port. */
  port?: number;
  /** Server certificate and key (PEM); default a fresh self-signed localhost pair. */
  tls?: TlsPair;
  /** The only project the send endpoint serves; other projects get 403 SENDER_ID_MISMATCH. */
  projectId?: string;
  /** Accounts trusted beside the one generated at start (see `serviceAccount`). */
  trustedAccounts?: TrustedServiceAccount[];
  /** Lifetime of issued access tokens, seconds. Default 3600 (Google's). */
  accessTokenSeconds?: number;
  /** Quota bucket; default off (FCM's real quota, 600k/min, is out of reach of tests). */
  quota?: QuotaOptions;
  /** Benchmarks: skip auth and checks, answer 200 once the body is read. Default false. */
  acceptAll?: boolean;
  /** Delay before each answer, ms. Default 0. */
  latencyMs?: number;
  /** Time source in ms (JWT checks, token expiry, quota, record times); default Date.now. */
  clock?: () => number;
  /** Keep `received`/`rejected` records (memory per request). Default true. */
  record?: boolean;
  /** Records kept of each kind before they are only counted. Default 100 000. */
  recordLimit?: number;
}

export type ResolvedOptions = Required<Omit<FcmSimulatorOptions, 'tls' | 'quota'>> &
  Pick<FcmSimulatorOptions, 'tls' | 'quota'>;

export function resolveOptions(o: FcmSimulatorOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    tls: o.tls,
    projectId: o.projectId ?? DEFAULT_PROJECT_ID,
    trustedAccounts: o.trustedAccounts ?? [],
    accessTokenSeconds: o.accessTokenSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS,
    quota: o.quota,
    acceptAll: o.acceptAll ?? false,
    latencyMs: o.latencyMs ?? 0,
    clock: o.clock ?? Date.now,
    record: o.record ?? true,
    recordLimit: o.recordLimit ?? DEFAULT_RECORD_LIMIT,
  };
  const problems: string[] = [];
  if (!Number.isInteger(r.port) || r.port < 0 || r.port > 65_535) problems.push('port');
  if (!/^[a-z0-9-]+$/i.test(r.projectId)) problems.push('projectId');
  if (!Number.isInteger(r.accessTokenSeconds) || r.accessTokenSeconds < 1) problems.push('accessTokenSeconds');
  if (r.quota !== undefined) {
    if (!Number.isInteger(r.quota.messages) || r.quota.messages < 0) problems.push('quota.messages');
    if (!(r.quota.windowMs > 0)) problems.push('quota.windowMs');
  }
  if (!(r.latencyMs >= 0)) problems.push('latencyMs');
  if (!Number.isInteger(r.recordLimit) || r.recordLimit < 0) problems.push('recordLimit');
  if (problems.length > 0) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `FCM simulator options out of range: ${problems.join(', ')}`);
  }
  return r;
}
