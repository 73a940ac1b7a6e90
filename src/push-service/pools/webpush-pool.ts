/**
 * The Web Push pool (`[webpush]`): one pool `webpush` taking both modes and no tags (a browser's
 * subscription has no sandbox), its senders one group per push-service origin
 * (webpush/origin-senders.ts), signing VAPID with the configured key.
 */
import type { ActorRuntime } from '../../actors/index.js';
import { ConfigFileError } from '../../core/config/config-file-error.js';
import { loadCa } from '../../core/config/credential-files.js';
import type { WebPushConfig } from '../../core/config/schema.js';
import { withFields } from '../../core/log.js';
import type { PushNotification } from '../notification.js';
import { OriginSenders } from '../webpush/origin-senders.js';
import { prepareWebPushRequest, type WebPushRequest } from '../webpush/request.js';
import { VapidAuthorizations } from '../webpush/vapid.js';
import { loadVapidKeyFile } from '../webpush/vapid-key-file.js';
import type { VapidKeyPair } from '../webpush/vapid-keys.js';
import type { PoolStartOptions } from './apns-pool.js';
import { transportOf, type PoolSelector } from './pool-specs.js';
import { PushPool } from './push-pool.js';

export type WebPushPool = PushPool<WebPushRequest, VapidKeyPair> & { readonly senders: OriginSenders };

export const WEBPUSH_POOL: PoolSelector = Object.freeze({ service: 'webpush', name: 'webpush', mode: 'any', tags: Object.freeze([]) as readonly string[] });

/** The pool, or undefined when `[webpush]` is off. The VAPID key file is read (or generated) and the CA file read here, once. */
export function startWebPushPool(
  config: WebPushConfig,
  senderMailboxCapacity: number,
  runtime: Pick<ActorRuntime, 'system'>,
  options: Pick<PoolStartOptions, 'random' | 'log'> = {},
): WebPushPool | undefined {
  if (!config.enabled) return undefined;
  let ca: string | undefined;
  if (config.ca_file !== undefined) {
    const loaded = loadCa({ key: 'webpush.ca_file', path: config.ca_file });
    if (!loaded.ok) throw new ConfigFileError(loaded.problems);
    ca = loaded.value;
  }
  const keyPair = loadVapidKeyFile(config.vapid_key_file);
  // Which key signs (its public half, the applicationServerKey, is not logged: the log scrubs every
  // run of 64+ token characters, and 87 base64url characters are one).
  options.log?.info('webpush.vapid_key', { file: config.vapid_key_file });
  const vapid = new VapidAuthorizations(keyPair, config.vapid_subject);
  const senders = new OriginSenders({
    connections: config.connections,
    maxOrigins: config.max_origins,
    transport: transportOf(config),
    ...(ca !== undefined && { ca }),
    vapid,
    parent: runtime.system,
    mailboxCapacity: senderMailboxCapacity,
    random: options.random,
    log: options.log && withFields(options.log, { pool: WEBPUSH_POOL.name }),
  });
  const defaults = { ttlS: config.default_ttl_s };
  const provider = { label: 'WebPush', prepare: (n: PushNotification) => prepareWebPushRequest(n, defaults), tokensIssued: () => vapid.signed };
  return new PushPool(WEBPUSH_POOL, keyPair, provider, senders) as WebPushPool;
}
