/**
 * Options of the FCM simulator, each with its trade-off, and their one-time validation.
 * The common ones (listen address, TLS, records, fault modes) are in ../shared/options.ts.
 */
import type { KeyObject } from 'node:crypto';
import { HeraldError } from '../../core/errors.js';
import { resolveBaseOptions, type ResolvedBaseOptions, type SimulatorBaseOptions } from '../shared/options.js';

/** FCM allows 100 concurrent streams per HTTP/2 connection (reference: apns-fcm.md). */
const FCM_MAX_CONCURRENT_STREAMS = 100;
/** Google's access tokens live about one hour (reference: apns-fcm.md), seconds. */
const DEFAULT_ACCESS_TOKEN_SECONDS = 3_600;
/** Project id served when none is configured. */
const DEFAULT_PROJECT_ID = 'herald-sim';

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

/** `maxConcurrentStreams` defaults to 100 here, FCM's limit. */
export interface FcmSimulatorOptions extends SimulatorBaseOptions {
  /** The only project the send endpoint serves; other projects get 403 SENDER_ID_MISMATCH. */
  projectId?: string;
  /** Accounts trusted beside the one generated at start (see `serviceAccount`). */
  trustedAccounts?: TrustedServiceAccount[];
  /** Lifetime of issued access tokens, seconds. Default 3600 (Google's). */
  accessTokenSeconds?: number;
  /** Quota bucket; default off (FCM's real quota, 600k/min, is out of reach of tests). */
  quota?: QuotaOptions;
}

export interface ResolvedOptions extends ResolvedBaseOptions {
  projectId: string;
  trustedAccounts: TrustedServiceAccount[];
  accessTokenSeconds: number;
  quota: QuotaOptions | undefined;
  maxConcurrentStreams: number;
}

export function resolveOptions(o: FcmSimulatorOptions): ResolvedOptions {
  const { resolved: base, problems } = resolveBaseOptions(o);
  const r: ResolvedOptions = {
    ...base,
    projectId: o.projectId ?? DEFAULT_PROJECT_ID,
    trustedAccounts: o.trustedAccounts ?? [],
    accessTokenSeconds: o.accessTokenSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS,
    quota: o.quota,
    maxConcurrentStreams: o.maxConcurrentStreams ?? FCM_MAX_CONCURRENT_STREAMS,
  };
  if (!/^[a-z0-9-]+$/i.test(r.projectId)) problems.push('projectId');
  if (!Number.isInteger(r.accessTokenSeconds) || r.accessTokenSeconds < 1) problems.push('accessTokenSeconds');
  if (r.quota !== undefined) {
    if (!Number.isInteger(r.quota.messages) || r.quota.messages < 0) problems.push('quota.messages');
    if (!(r.quota.windowMs > 0)) problems.push('quota.windowMs');
  }
  if (problems.length > 0) {
    throw new HeraldError('HERALD_CONFIG_INVALID', `FCM simulator options out of range: ${problems.join(', ')}`);
  }
  return r;
}
