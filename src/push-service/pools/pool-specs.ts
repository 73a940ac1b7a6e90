/**
 * What each configured pool is, with every inherited key filled in: the `[apns]` / `[fcm]` values
 * stand for the keys a pool leaves unset, and unset pool lists become the defaults (APNS: one prod
 * and one dev pool sharing the token key, as a .p8 key works in both environments; FCM: one pool
 * for both modes). Pure: no file is read here — credentials.ts reads the files a spec names, once,
 * at start.
 */
import type { Backoff } from '../../core/backoff.js';
import type { ConfiguredFile } from '../../core/config/credential-files.js';
import type { ApnsConfig, ApnsPoolConfig, FcmConfig, FcmPoolConfig, WebPushConfig } from '../../core/config/schema.js';
import { configSchema } from '../../core/config/schema.js';
import { poolNames } from '../../core/config/pool-names.js';
import type { TransportSettings } from '../http2/sender-group.js';
import type { PushMode, PushServiceName } from '../notification.js';

/** The dev pool of the default APNS pools: sandbox traffic is light, one connection on the main thread. */
const DEFAULT_DEV_POOL: ApnsPoolConfig = { mode: 'dev', tags: [], auth: 'token', connections: 1, sender_threads: 0 };
const DEFAULT_PROD_POOL: ApnsPoolConfig = { mode: 'prod', tags: [], auth: 'token' };

/** The schema's default service-account path: missing there means "no FCM", not a mistake. */
const DEFAULT_SERVICE_ACCOUNT_FILE = configSchema.parse({}).fcm.service_account_file;

/** Pushy's two ways to authenticate to APNs: a signing key (token auth) or a TLS client certificate. */
export type ApnsAuthSpec =
  | { readonly kind: 'token'; readonly teamId: string; readonly keyId: string; readonly keyFile: ConfiguredFile; readonly refreshAfterS: number }
  | { readonly kind: 'certificate'; readonly certFile: ConfiguredFile; readonly keyFile: ConfiguredFile };

export interface ServiceAccountSpec {
  readonly kind: 'service-account';
  readonly file: ConfiguredFile;
  /** The file is the schema default nobody named: missing, it leaves the pool out (an APNS-only deployment). */
  readonly optional: boolean;
  readonly refreshMarginS: number;
  /** A token request unanswered this long (ms) fails. */
  readonly timeoutMs: number;
}

export interface PoolSelector {
  readonly service: PushServiceName;
  readonly name: string;
  /** `any` (FCM only): the pool takes both modes. */
  readonly mode: PushMode | 'any';
  readonly tags: readonly string[];
}

/** What every pool is, whatever its provider: where it connects, how many connections, on how many threads. */
interface PoolSpecOf<Auth> extends PoolSelector {
  readonly endpoint: string;
  /** Extra CA to trust for the endpoint (and FCM's token URI). */
  readonly ca?: ConfiguredFile;
  readonly connections: number;
  /** Sender threads the connections split among; 0 = the main thread. */
  readonly threads: number;
  readonly transport: TransportSettings;
  readonly auth: Auth;
}

export interface ApnsPoolSpec extends PoolSpecOf<ApnsAuthSpec> {
  readonly service: 'apns';
  readonly mode: PushMode;
  /** apns-topic of a notification that names none. */
  readonly topic: string;
  /** apns-expiration = now + this, s; 0 = deliver once. */
  readonly expirationS: number;
  /** Restarting a sender thread that died or failed to start. */
  readonly threadRestart: Backoff;
}

export interface FcmPoolSpec extends PoolSpecOf<ServiceAccountSpec> {
  readonly service: 'fcm';
  /** android.ttl of a notification that names none, s. */
  readonly ttlS: number;
}

export function apnsPoolSpecs(apns: ApnsConfig): ApnsPoolSpec[] {
  if (!apns.enabled) return [];
  const pools = apns.pools ?? [DEFAULT_PROD_POOL, DEFAULT_DEV_POOL];
  const names = poolNames(pools, (i) => `apns-${pools[i]!.mode}`);
  return pools.map((pool, i): ApnsPoolSpec => {
    const own = (key: string) => `apns.pools.${i}.${key}`;
    const auth: ApnsAuthSpec =
      pool.auth === 'certificate'
        ? // both required by the schema for a certificate pool
          { kind: 'certificate', certFile: { key: own('cert_file'), path: pool.cert_file! }, keyFile: { key: own('cert_key_file'), path: pool.cert_key_file! } }
        : {
            kind: 'token',
            teamId: pool.team_id ?? apns.team_id,
            keyId: pool.key_id ?? apns.key_id,
            keyFile: pool.key_file !== undefined ? { key: own('key_file'), path: pool.key_file } : { key: 'apns.key_file', path: apns.key_file },
            refreshAfterS: apns.jwt_refresh_s,
          };
    return {
      service: 'apns',
      name: names[i]!,
      mode: pool.mode,
      tags: pool.tags,
      endpoint: pool.endpoint ?? (pool.mode === 'prod' ? apns.endpoint : apns.dev_endpoint),
      ...caOf('apns', apns.ca_file),
      connections: pool.connections ?? apns.connections,
      threads: pool.sender_threads ?? apns.sender_threads,
      transport: transportOf(apns),
      auth,
      topic: pool.default_topic ?? apns.default_topic,
      expirationS: apns.expiration_s,
      threadRestart: apns.sender_thread_restart,
    };
  });
}

export function fcmPoolSpecs(fcm: FcmConfig): FcmPoolSpec[] {
  if (!fcm.enabled) return [];
  const pools: readonly FcmPoolConfig[] = fcm.pools ?? [{ mode: 'any', tags: [] }];
  const names = poolNames(pools, () => 'fcm');
  return pools.map((pool, i): FcmPoolSpec => {
    const file: ConfiguredFile =
      pool.service_account_file !== undefined
        ? { key: `fcm.pools.${i}.service_account_file`, path: pool.service_account_file }
        : { key: 'fcm.service_account_file', path: fcm.service_account_file };
    return {
      service: 'fcm',
      name: names[i]!,
      mode: pool.mode,
      tags: pool.tags,
      endpoint: fcm.endpoint,
      ...caOf('fcm', fcm.ca_file),
      connections: pool.connections ?? fcm.connections,
      threads: 0, // FCM senders run on the main thread
      transport: transportOf(fcm),
      auth: {
        kind: 'service-account',
        file,
        optional: file.key === 'fcm.service_account_file' && file.path === DEFAULT_SERVICE_ACCOUNT_FILE,
        refreshMarginS: fcm.token_refresh_margin_s,
        timeoutMs: fcm.request_timeout_ms,
      },
      ttlS: fcm.default_ttl_s,
    };
  });
}

function caOf(section: 'apns' | 'fcm', path: string | undefined): { ca?: ConfiguredFile } {
  return path === undefined ? {} : { ca: { key: `${section}.ca_file`, path } };
}

/** The section's connection keys every pool of it shares (schema.ts providerConnectionKeys). */
export function transportOf(c: ApnsConfig | FcmConfig | WebPushConfig): TransportSettings {
  return {
    max_in_flight: c.max_in_flight,
    request_timeout_ms: c.request_timeout_ms,
    retry_attempts: c.retry_attempts,
    retry_base_delay_ms: c.retry_base_delay_ms,
    retry_max_delay_ms: c.retry_max_delay_ms,
    retry_after_max_ms: c.retry_after_max_ms,
    retry_budget_ratio: c.retry_budget_ratio,
    retry_budget_min_per_s: c.retry_budget_min_per_s,
    ping_interval_ms: c.ping_interval_ms,
    reconnect: c.reconnect,
  };
}
