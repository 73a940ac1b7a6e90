/**
 * What each configured pool is, with every inherited key filled in: the `[apns]` / `[fcm]` values
 * stand for the keys a pool leaves unset, and unset pool lists become the defaults (APNS: one prod
 * and one dev pool sharing the token key, as a .p8 key works in both environments; FCM: one pool
 * for both modes). Pure: no file is read here.
 */
import type { ApnsConfig, ApnsPoolConfig, FcmConfig, FcmPoolConfig } from '../../core/config/schema.js';
import { poolNames } from '../../core/config/pool-names.js';
import type { PushMode } from '../notification.js';

/** The dev pool of the default APNS pools: sandbox traffic is light, one connection on the main thread. */
const DEFAULT_DEV_POOL: ApnsPoolConfig = { mode: 'dev', tags: [], auth: 'token', connections: 1, sender_threads: 0 };
const DEFAULT_PROD_POOL: ApnsPoolConfig = { mode: 'prod', tags: [], auth: 'token' };

export type ApnsAuthSpec =
  | { kind: 'token'; teamId: string; keyId: string; keyFile: string }
  | { kind: 'certificate'; certFile: string; keyFile: string };

export interface PoolSelector {
  readonly service: 'apns' | 'fcm';
  readonly name: string;
  /** `any` (FCM only): the pool takes both modes. */
  readonly mode: PushMode | 'any';
  readonly tags: readonly string[];
}

export interface ApnsPoolSpec extends PoolSelector {
  readonly service: 'apns';
  readonly mode: PushMode;
  /** The `[apns]` settings with this pool's endpoint, topic, connections and threads. */
  readonly config: ApnsConfig;
  readonly auth: ApnsAuthSpec;
  /** The config key each of the auth's files comes from (the pool's own, or the `[apns]` one it inherits), for errors. */
  readonly fileKeys: { readonly keyFile: string; readonly certFile?: string };
}

export interface FcmPoolSpec extends PoolSelector {
  readonly service: 'fcm';
  readonly config: FcmConfig;
  /** The config key `config.service_account_file` comes from, for errors. */
  readonly fileKeys: { readonly serviceAccountFile: string };
}

export function apnsPoolSpecs(apns: ApnsConfig): ApnsPoolSpec[] {
  if (!apns.enabled) return [];
  const pools = apns.pools ?? [DEFAULT_PROD_POOL, DEFAULT_DEV_POOL];
  const names = poolNames(pools, (i) => `apns-${pools[i]!.mode}`);
  return pools.map((pool, i) => {
    const config: ApnsConfig = {
      ...apns,
      endpoint: pool.endpoint ?? (pool.mode === 'prod' ? apns.endpoint : apns.dev_endpoint),
      default_topic: pool.default_topic ?? apns.default_topic,
      connections: pool.connections ?? apns.connections,
      sender_threads: pool.sender_threads ?? apns.sender_threads,
      team_id: pool.team_id ?? apns.team_id,
      key_id: pool.key_id ?? apns.key_id,
      key_file: pool.key_file ?? apns.key_file,
    };
    const auth: ApnsAuthSpec =
      pool.auth === 'certificate'
        ? { kind: 'certificate', certFile: pool.cert_file!, keyFile: pool.cert_key_file! } // required by the schema
        : { kind: 'token', teamId: config.team_id, keyId: config.key_id, keyFile: config.key_file };
    const own = apns.pools === undefined ? undefined : `apns.pools.${i}`;
    const fileKeys =
      pool.auth === 'certificate'
        ? { certFile: `${own}.cert_file`, keyFile: `${own}.cert_key_file` }
        : { keyFile: own !== undefined && pool.key_file !== undefined ? `${own}.key_file` : 'apns.key_file' };
    return { service: 'apns', name: names[i]!, mode: pool.mode, tags: pool.tags, config, auth, fileKeys };
  });
}

export function fcmPoolSpecs(fcm: FcmConfig): FcmPoolSpec[] {
  if (!fcm.enabled) return [];
  const pools: readonly FcmPoolConfig[] = fcm.pools ?? [{ mode: 'any', tags: [] }];
  const names = poolNames(pools, () => 'fcm');
  return pools.map((pool, i) => ({
    service: 'fcm',
    name: names[i]!,
    mode: pool.mode,
    tags: pool.tags,
    config: {
      ...fcm,
      service_account_file: pool.service_account_file ?? fcm.service_account_file,
      connections: pool.connections ?? fcm.connections,
    },
    fileKeys: {
      serviceAccountFile: fcm.pools !== undefined && pool.service_account_file !== undefined ? `fcm.pools.${i}.service_account_file` : 'fcm.service_account_file',
    },
  }));
}
