/**
 * Token-based authentication as APNS enforces it (Apple, "Establishing a token-based connection
 * to APNs"; reference: apns-fcm.md "Token auth JWT"): an ES256 JWT with header {alg, kid} and
 * claims {iss: team id, iat}, at most one hour old, refreshed no more often than every 20 minutes.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { HeraldError } from '../../core/errors.js';
import { rejection, type Rejection } from './reasons.js';

/** Apple refuses a token whose iat is more than one hour old (ExpiredProviderToken). */
const MAX_TOKEN_AGE_MS = 60 * 60_000;
/** Apple refuses a new token less than 20 minutes after the previous one (TooManyProviderTokenUpdates). */
const MIN_REFRESH_INTERVAL_MS = 20 * 60_000;
/**
 * Distinct JWT strings whose verification result is remembered. A well-behaved provider brings
 * one every 20–60 minutes; the bound only stops a client sending endless fresh tokens from
 * growing memory (the cache is emptied when full and tokens are verified again).
 */
const VERIFIED_CACHE_LIMIT = 10_000;
/**
 * Accepted tokens remembered per team+key and usable again without counting as an update: with
 * updates at least 20 minutes apart, the third-newest is already past the one-hour age limit.
 */
const ACCEPTED_TOKENS_KEPT = 3;

/** One provider key: PEM (public, or the .p8 private key) or a KeyObject. */
export type ProviderKey = string | KeyObject;
export type ProviderKeys =
  | ReadonlyMap<string, ProviderKey>
  | Readonly<Record<string, ProviderKey>>
  | ReadonlyArray<{ keyId: string; key: ProviderKey }>;

type Decoded = { ok: true; teamId: string; keyId: string; iatMs: number } | { ok: false; rejection: Rejection };

interface KeyHistory {
  latestIatMs: number;
  tokens: string[];
}

export class JwtVerifier {
  /** Distinct JWT strings verified so far (each is verified once while cached). */
  jwtsSeen = 0;
  private readonly keys: Map<string, KeyObject>;
  private readonly decoded = new Map<string, Decoded>();
  private readonly history = new Map<string, KeyHistory>();

  constructor(
    keys: ProviderKeys | undefined,
    private readonly teamId: string | undefined,
    private readonly clock: () => number,
  ) {
    this.keys = toKeyMap(keys);
  }

  /** Checks the `authorization` header; undefined means the request is authenticated. */
  check(authorization: string | undefined): Rejection | undefined {
    if (authorization === undefined) return rejection('MissingProviderToken');
    const jwt = bearerToken(authorization);
    if (jwt === undefined) return rejection('InvalidProviderToken');
    let decoded = this.decoded.get(jwt);
    if (decoded === undefined) {
      if (this.decoded.size >= VERIFIED_CACHE_LIMIT) this.decoded.clear();
      decoded = this.decode(jwt);
      this.decoded.set(jwt, decoded);
      this.jwtsSeen++;
    }
    if (!decoded.ok) return decoded.rejection;
    if (this.clock() - decoded.iatMs > MAX_TOKEN_AGE_MS) return rejection('ExpiredProviderToken');
    return this.admit(jwt, `${decoded.teamId}\u0000${decoded.keyId}`, decoded.iatMs);
  }

  /** Forgets verified tokens and refresh history (the simulator's reset). */
  reset(): void {
    this.decoded.clear();
    this.history.clear();
    this.jwtsSeen = 0;
  }

  private admit(jwt: string, teamKey: string, iatMs: number): Rejection | undefined {
    const seen = this.history.get(teamKey);
    if (seen === undefined) {
      this.history.set(teamKey, { latestIatMs: iatMs, tokens: [jwt] });
      return undefined;
    }
    if (seen.tokens.includes(jwt)) return undefined;
    if (iatMs - seen.latestIatMs < MIN_REFRESH_INTERVAL_MS) return rejection('TooManyProviderTokenUpdates');
    seen.latestIatMs = iatMs;
    seen.tokens.unshift(jwt);
    seen.tokens.length = Math.min(seen.tokens.length, ACCEPTED_TOKENS_KEPT);
    return undefined;
  }

  private decode(jwt: string): Decoded {
    const invalid: Decoded = { ok: false, rejection: rejection('InvalidProviderToken') };
    const parts = jwt.split('.');
    if (parts.length !== 3) return invalid;
    const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
    const header = parseJsonPart(headerPart);
    const claims = parseJsonPart(claimsPart);
    if (header?.alg !== 'ES256' || typeof header.kid !== 'string') return invalid;
    if (typeof claims?.iss !== 'string' || typeof claims.iat !== 'number') return invalid;
    if (this.teamId !== undefined && claims.iss !== this.teamId) return invalid;
    const key = this.keys.get(header.kid);
    if (key === undefined) return invalid;
    const signature = Buffer.from(signaturePart, 'base64url');
    const signed = Buffer.from(`${headerPart}.${claimsPart}`);
    // JWS ES256 (RFC 7518 §3.4): the signature is R || S, 64 bytes, not DER.
    const good =
      signature.length === 64 && verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (!good) return invalid;
    return { ok: true, teamId: claims.iss, keyId: header.kid, iatMs: claims.iat * 1000 };
  }
}

function bearerToken(authorization: string): string | undefined {
  const space = authorization.indexOf(' ');
  if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const jwt = authorization.slice(space + 1).trim();
  return jwt === '' ? undefined : jwt;
}

function parseJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function toKeyMap(keys: ProviderKeys | undefined): Map<string, KeyObject> {
  const entries: Array<[string, ProviderKey]> =
    keys === undefined
      ? []
      : Array.isArray(keys)
        ? (keys as ReadonlyArray<{ keyId: string; key: ProviderKey }>).map((k) => [k.keyId, k.key])
        : keys instanceof Map
          ? [...(keys as ReadonlyMap<string, ProviderKey>)]
          : Object.entries(keys as Readonly<Record<string, ProviderKey>>);
  const map = new Map<string, KeyObject>();
  for (const [keyId, key] of entries) map.set(keyId, toEs256PublicKey(keyId, key));
  return map;
}

function toEs256PublicKey(keyId: string, key: ProviderKey): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
  } catch (cause) {
    throw new HeraldError('HERALD_AUTH_KEY_INVALID', `APNS simulator key ${keyId} cannot be read`, { cause });
  }
  const curve = publicKey.asymmetricKeyDetails?.namedCurve;
  if (publicKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new HeraldError('HERALD_AUTH_KEY_INVALID', `APNS simulator key ${keyId} is not an ES256 (P-256) key`);
  }
  return publicKey;
}
