/**
 * APNS pools started from their specs. Token-auth pools with the same team, key id and key file
 * share ONE token provider (Apple counts token updates per key: a token per pool or per
 * connection multiplies them into TooManyProviderTokenUpdates). Certificate-auth pools present
 * their client certificate on every connection and send no `authorization` header.
 */
import type { ActorRuntime } from '../../actors/index.js';
import { ConfigFileError } from '../../core/config/config-file-error.js';
import { readConfiguredFileOrThrow } from '../../core/config/configured-file.js';
import type { HeraldConfig } from '../../core/config/schema.js';
import { isHeraldError } from '../../core/errors.js';
import { withFields, type Logger } from '../../core/log.js';
import { ApnsPushService, type ApnsServiceOptions } from '../apns-service.js';
import { ApnsTokenProvider, type ApnsTokenProviderOptions, type TokenSource } from '../apns/jwt.js';
import { ThreadedApnsPushService, type ThreadedApnsOptions } from '../threaded/threaded-apns-service.js';
import type { ApnsPoolSpec } from './pool-specs.js';
import { SenderPool } from './push-pools.js';

export interface ApnsPoolsOptions {
  /** Every pool's endpoint instead of its own, e.g. the in-process simulator's URL. */
  endpoint?: string;
  /** Extra trusted CA (PEM) for every pool instead of `apns.ca_file`. */
  ca?: string;
  /** Reads a .p8 key (`key`: the config key naming it); default: the file. The simulator's wiring generates dev keys. */
  readKey?: (path: string, key: string) => string;
  /** Open every connection at start and keep it open (health reports pools connected). */
  warmUp?: boolean;
  /** Epoch-ms clock for the token providers; default Date.now. */
  clock?: () => number;
  /** Where sender-thread deaths, failed starts and restarts are logged; default: nowhere. */
  log?: Logger;
  /**
   * Token sources by tokenSourceId, shared with the caller: one found here is used (a shard's
   * relay of the main thread's token), one made here is added (the main thread's providers,
   * whose tokens it relays to its shards). Default: a map of this call's own.
   */
  tokens?: Map<string, TokenSource>;
}

/** The key of a token provider: pools with the same team, key id and key file share one. */
export function tokenSourceId(auth: { teamId: string; keyId: string; keyFile: string }): string {
  return `${auth.teamId}\u0000${auth.keyId}\u0000${auth.keyFile}`;
}

type ApnsSenders = ApnsPushService | ThreadedApnsPushService;

/** An APNS pool: its senders on the main thread or on sender threads. */
export class ApnsPool extends SenderPool<ApnsSenders, ApnsPoolSpec> {}

export async function startApnsPools(
  specs: readonly ApnsPoolSpec[],
  config: Pick<HeraldConfig, 'actors'>,
  runtime: Pick<ActorRuntime, 'system'>,
  options: ApnsPoolsOptions = {},
): Promise<ApnsPool[]> {
  const tokenProviders = options.tokens ?? new Map<string, TokenSource>();
  const readKey = options.readKey ?? ((path: string, key: string) => readConfiguredFileOrThrow(key, path));
  const ca = options.ca ?? caOf(specs[0]?.config.ca_file);
  const started: ApnsPool[] = [];
  try {
    for (const spec of specs) {
      const auth = spec.auth;
      let tokenProvider: TokenSource | undefined;
      let clientCertificate: { cert: string; key: string } | undefined;
      if (auth.kind === 'token') {
        const id = tokenSourceId(auth);
        let provider = tokenProviders.get(id);
        if (provider === undefined) {
          provider = newTokenProvider(spec.fileKeys.keyFile, auth.keyFile, () => ({
            teamId: auth.teamId,
            keyId: auth.keyId,
            privateKey: readKey(auth.keyFile, spec.fileKeys.keyFile),
            refreshAfterS: spec.config.jwt_refresh_s,
            clock: options.clock,
          }));
          tokenProviders.set(id, provider);
        }
        tokenProvider = provider;
      } else {
        clientCertificate = {
          cert: readConfiguredFileOrThrow(spec.fileKeys.certFile ?? `${spec.name} cert_file`, auth.certFile),
          key: readConfiguredFileOrThrow(spec.fileKeys.keyFile, auth.keyFile),
        };
      }
      const serviceOptions: ThreadedApnsOptions & ApnsServiceOptions = {
        endpoint: options.endpoint ?? spec.config.endpoint,
        ca,
        tokenProvider,
        clientCertificate,
        warmUp: options.warmUp,
        log: options.log,
        pool: spec.name,
      };
      const senders =
        spec.config.sender_threads > 0
          ? await ThreadedApnsPushService.start(spec.config, config.actors.sender_mailbox_capacity, serviceOptions)
          : new ApnsPushService(spec.config, config.actors, runtime, { ...serviceOptions, clock: options.clock, log: options.log && withFields(options.log, { pool: spec.name }) });
      started.push(new ApnsPool(spec, senders));
    }
  } catch (e) {
    await Promise.all(started.map((p) => p.close(0)));
    throw e;
  }
  return started;
}

function caOf(file: string | undefined): string | undefined {
  return file === undefined ? undefined : readConfiguredFileOrThrow('apns.ca_file', file);
}

/** The provider for a key file; a key that is no EC P-256 private key is a HERALD_CONFIG_FILE naming `key` and the file. */
function newTokenProvider(key: string, path: string, options: () => ApnsTokenProviderOptions): ApnsTokenProvider {
  try {
    return new ApnsTokenProvider(options());
  } catch (e) {
    if (isHeraldError(e, 'HERALD_AUTH_KEY_INVALID')) throw ConfigFileError.of(key, path, e.detail ?? e.message);
    throw e;
  }
}
