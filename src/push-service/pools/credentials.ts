/**
 * The one loader of the pools' credentials (Pushy's client builder: a signing key *or* a client
 * certificate), run once at start and by `herald check`: it reads each .p8 key into a token
 * source, each client certificate and its key into TLS options, each service-account JSON into
 * an OAuth token source, each CA file into PEM. Whatever is wrong with a file — missing,
 * unreadable, not PEM, the wrong kind of key, a service account without a field — is one
 * HERALD_CONFIG_FILE problem naming the config key and the path; every problem of every pool is
 * reported at once. After it a pool holds its credentials, not file names: nothing downstream
 * reads a file.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { ConfigFileError, type FileProblem } from '../../core/config/config-file-error.js';
import { loadCa, loadText, loadTlsPair, parsedFrom, type ConfiguredFile, type Loaded } from '../../core/config/credential-files.js';
import type { Logger } from '../../core/log.js';
import { ApnsTokenProvider, parseSigningKey, ProviderTokenSigner, type TokenSource } from '../apns/jwt.js';
import { SharedApnsToken, type ProviderTokenStore } from '../apns/shared-token.js';
import { FcmAccessTokens, parseServiceAccount, type AccessTokenSource, type FcmServiceAccount } from '../fcm/oauth.js';
import type { ClientCertificate } from '../http2/connection.js';
import type { ApnsAuthSpec, ApnsPoolSpec, FcmPoolSpec } from './pool-specs.js';


const P8_HINT = " (the .p8 key from Apple's developer account: Certificates, Identifiers & Profiles → Keys)";
const SERVICE_ACCOUNT_HINT = ' (the service account JSON: Firebase console → Project settings → Service accounts)';

/** APNS token auth: an EC P-256 private key (ES256), Apple's .p8. */
export function loadSigningKey(file: ConfiguredFile): Loaded<KeyObject> {
  return parsedFrom(file, loadText(file, P8_HINT), parseSigningKey);
}

/** APNS certificate auth: the certificate (valid now) and its own private key. */
export function loadClientCertificate(certFile: ConfiguredFile, keyFile: ConfiguredFile): Loaded<ClientCertificate> {
  return loadTlsPair(certFile, keyFile);
}

/** FCM: the service-account JSON, with the fields the RFC 7523 assertion needs (oauth.ts parseServiceAccount). */
export function loadServiceAccount(file: ConfiguredFile): Loaded<FcmServiceAccount> {
  return parsedFrom(file, loadText(file, SERVICE_ACCOUNT_HINT), parseServiceAccount);
}

/** How an APNS pool authenticates once its files are read. */
export type ResolvedApnsAuth =
  | { readonly kind: 'token'; readonly tokens: TokenSource }
  | { readonly kind: 'certificate'; readonly certificate: ClientCertificate };

/** How an FCM pool authenticates once its service account is read. */
export interface ResolvedFcmAuth {
  readonly kind: 'service-account';
  readonly projectId: string;
  readonly tokens: AccessTokenSource;
}

/** A pool spec with its credentials and CA loaded in place of the files that name them. */
export type Resolved<S extends ApnsPoolSpec | FcmPoolSpec, A> = Omit<S, 'auth' | 'ca'> & { readonly auth: A; readonly ca?: string };
export type ResolvedApnsPool = Resolved<ApnsPoolSpec, ResolvedApnsAuth>;
export type ResolvedFcmPool = Resolved<FcmPoolSpec, ResolvedFcmAuth>;

/** The key of a token source: pools with the same team, key id and key file share one. */
function tokenSourceId(auth: Extract<ApnsAuthSpec, { kind: 'token' }>): string {
  return `${auth.teamId}\u0000${auth.keyId}\u0000${auth.keyFile.path}`;
}

export interface ResolveApnsOptions {
  /**
   * Token sources by tokenSourceId, shared with the caller: one found here is used and its key
   * file not read (a shard's relay of the main thread's token), one made here is added (the main
   * thread's providers, whose tokens it relays to its shards). Default: a map of this call's own.
   */
  tokens?: Map<string, TokenSource>;
  /** Epoch-ms clock of the token providers; default Date.now. */
  clock?: () => number;
  /**
   * Where the instances on one PostgreSQL share each key's token (apns/shared-token.ts), with the
   * logger of its failures; without it (LMDB, one instance) each key's token is minted here.
   */
  shared?: { store: ProviderTokenStore; log: Logger };
}

/**
 * Every APNS pool with its credentials. Token-auth pools with the same team, key id and key file
 * share ONE token provider (Apple counts token updates per key: a token per pool or per connection
 * multiplies them into TooManyProviderTokenUpdates). Throws one HERALD_CONFIG_FILE with every problem.
 */
export function resolveApnsPools(specs: readonly ApnsPoolSpec[], options: ResolveApnsOptions = {}): ResolvedApnsPool[] {
  const tokens = options.tokens ?? new Map<string, TokenSource>();
  const problems = new Problems();
  const resolved = specs.map((spec): ResolvedApnsPool => {
    const ca = spec.ca === undefined ? undefined : problems.take(loadCa(spec.ca));
    let auth: ResolvedApnsAuth | undefined;
    if (spec.auth.kind === 'token') {
      const id = tokenSourceId(spec.auth);
      let source = tokens.get(id);
      const key = source === undefined ? problems.take(loadSigningKey(spec.auth.keyFile)) : undefined;
      if (key !== undefined) {
        source = tokenSource(spec.auth, key, options);
        tokens.set(id, source);
      }
      if (source !== undefined) auth = { kind: 'token', tokens: source };
    } else {
      const certificate = problems.take(loadClientCertificate(spec.auth.certFile, spec.auth.keyFile));
      if (certificate !== undefined) auth = { kind: 'certificate', certificate };
    }
    return { ...spec, ca, auth: auth! }; // undefined only beside a problem, thrown below
  });
  problems.throwIfAny();
  return resolved;
}

/** The key's token source: shared through the store when there is one, else minted in this process. */
function tokenSource(auth: Extract<ApnsAuthSpec, { kind: 'token' }>, key: KeyObject, options: ResolveApnsOptions): TokenSource {
  const { teamId, keyId, refreshAfterS } = auth;
  const { clock, shared } = options;
  if (shared === undefined) return new ApnsTokenProvider({ teamId, keyId, privateKey: key, refreshAfterS, clock });
  return new SharedApnsToken({ signer: new ProviderTokenSigner(teamId, keyId, key), refreshAfterS, clock, ...shared });
}

export interface ResolveFcmOptions {
  /** Epoch-ms clock of the access-token sources; default Date.now. */
  clock?: () => number;
}

/**
 * Every FCM pool with its credentials; pools of one service-account file share one access-token
 * source (one token per account and process, refreshed single-flight). A pool whose service
 * account is the schema default nobody named, and missing, is left out with a warning (FCM
 * requests it would take are answered no_matching_pool): an APNS-only deployment must not fail
 * to start over FCM. Any other problem: one HERALD_CONFIG_FILE with all of them.
 */
export function resolveFcmPools(specs: readonly FcmPoolSpec[], log: Logger, options: ResolveFcmOptions = {}): ResolvedFcmPool[] {
  const sources = new Map<string, ResolvedFcmAuth>();
  const problems = new Problems();
  const resolved: ResolvedFcmPool[] = [];
  for (const spec of specs) {
    const file = spec.auth.file;
    if (spec.auth.optional && !existsSync(file.path)) {
      log.warn('fcm.pool_disabled', { pool: spec.name, reason: `no service account at ${file.path}` });
      continue;
    }
    const ca = spec.ca === undefined ? undefined : problems.take(loadCa(spec.ca));
    let auth = sources.get(file.path);
    if (auth === undefined) {
      const account = problems.take(loadServiceAccount(file));
      if (account === undefined) continue;
      auth = serviceAccountAuth(account, spec, ca, options.clock);
      sources.set(file.path, auth);
    }
    resolved.push({ ...spec, ca, auth });
  }
  problems.throwIfAny();
  return resolved;
}

/** Every problem met while resolving the pools, each once (pools share files); thrown as one HERALD_CONFIG_FILE. */
class Problems {
  private readonly found: FileProblem[] = [];

  /** The credential, or undefined with its problems kept. */
  take<T>(loaded: Loaded<T>): T | undefined {
    if (loaded.ok) return loaded.value;
    for (const p of loaded.problems) {
      if (!this.found.some((q) => q.key === p.key && q.path === p.path && q.cause === p.cause)) this.found.push(p);
    }
    return undefined;
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new ConfigFileError(this.found);
  }
}

/** The access-token source of a service account (loaded from its file, or a simulator's own). */
export function serviceAccountAuth(
  account: FcmServiceAccount,
  spec: Pick<FcmPoolSpec, 'auth'>,
  ca: string | undefined,
  clock?: () => number,
): ResolvedFcmAuth {
  const tokens = new FcmAccessTokens({ account, refreshMarginS: spec.auth.refreshMarginS, timeoutMs: spec.auth.timeoutMs, ca, clock });
  return { kind: 'service-account', projectId: account.project_id, tokens };
}
