/**
 * APNS provider authentication tokens (token-based auth, "Establishing a token-based connection
 * to APNs"): an ES256 JWT with header `{alg: 'ES256', kid}` and claims `{iss: teamId, iat}`,
 * signed with the team's .p8 (PKCS#8, P-256) key.
 *
 * Apple rejects a token older than 60 min (403 ExpiredProviderToken) and one refreshed more often
 * than every 20 min (429 TooManyProviderTokenUpdates), so ONE provider per team+key is shared by
 * every connection of the process: refreshing per connection multiplies the updates Apple counts.
 */
import { sign, type KeyObject } from 'node:crypto';
import { HeraldError } from '../../core/errors.js';
import { parsePrivateKey, type Parsed } from '../../core/pem.js';

export interface ApnsTokenProviderOptions {
  /** JWT `iss`: the 10-character Apple team id. */
  teamId: string;
  /** JWT header `kid`: the id Apple shows for the .p8 key. */
  keyId: string;
  /** The .p8 private key (PKCS#8 PEM) or an already parsed KeyObject. */
  privateKey: string | KeyObject;
  /** A token at least this old (seconds) is replaced before use: config `apns.jwt_refresh_s`. */
  refreshAfterS: number;
  /** Time source in epoch ms; default Date.now. Tests move it to cross a refresh window. */
  clock?: () => number;
}

/**
 * Apple refuses a new token of a key less than 20 minutes after the previous one (429
 * TooManyProviderTokenUpdates): a token this young that Apple refused is not replaced, since the
 * replacement would be refused too, and a key Apple keeps refusing mints at most one a period.
 */
export const MIN_TOKEN_UPDATE_INTERVAL_MS = 20 * 60_000;

/** What a sender needs of the provider token: the current `authorization` header value. */
export interface TokenSource {
  authorization(): string;
  /** Tokens minted so far (0 for a relay that only forwards another thread's token). */
  readonly minted: number;
  /**
   * Apple refused `authorization` (ExpiredProviderToken, InvalidProviderToken): replace it, unless
   * it is no longer the current token (another request's refusal replaced it already, so one
   * refusal of many requests mints once) or younger than MIN_TOKEN_UPDATE_INTERVAL_MS. True when
   * the next attempt carries another token, false when a resend would carry the refused one.
   */
  refused?(authorization: string): boolean;
  /** While the token is being replaced and the current one must not be sent: the next `authorization`. */
  pending?(): Promise<string> | undefined;
  /** Resolves once the first token is at hand (a source that must fetch it); start awaits it. */
  ready?(): Promise<void>;
}

/** An ES256 provider token of one team and key, signed on demand; the key stays in this object. */
export class ProviderTokenSigner {
  private readonly key: KeyObject;
  /** base64url(header) + '.': constant for the key, so encoded once. */
  private readonly headerPart: string;

  constructor(
    readonly teamId: string,
    readonly keyId: string,
    privateKey: string | KeyObject,
  ) {
    const key = parseSigningKey(privateKey);
    // A key read from a file was checked by credentials.ts, which names the file; this one was handed in.
    if (!key.ok) throw new HeraldError('HERALD_AUTH_KEY_INVALID', key.problem);
    this.key = key.value;
    this.headerPart = base64url(JSON.stringify({ alg: 'ES256', kid: keyId })) + '.';
  }

  /** The JWT with `iat` = `nowMs` in whole seconds. */
  sign(nowMs: number): string {
    const iat = Math.floor(nowMs / 1000);
    const signingInput = this.headerPart + base64url(JSON.stringify({ iss: this.teamId, iat }));
    // JWS ES256 (RFC 7518 §3.4) wants the raw r||s signature, not DER: ieee-p1363.
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.key, dsaEncoding: 'ieee-p1363' });
    return signingInput + '.' + signature.toString('base64url');
  }
}

/** The `authorization` header value of a provider token. */
export const bearerOf = (jwt: string): string => 'bearer ' + jwt;

export class ApnsTokenProvider implements TokenSource {
  private readonly signer: ProviderTokenSigner;
  private readonly refreshAfterMs: number;
  private readonly clock: () => number;
  private issuedAtMs = Number.NEGATIVE_INFINITY;
  private jwt = '';
  private bearer = '';
  private mintedCount = 0;

  constructor(options: ApnsTokenProviderOptions) {
    this.signer = new ProviderTokenSigner(options.teamId, options.keyId, options.privateKey);
    this.refreshAfterMs = options.refreshAfterS * 1000;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * The current token, minted anew once it is `refreshAfterS` old. The age is checked on every
   * call (a stale token kept over an idle period has made Apple answer 500 instead of 403).
   *
   * No refresh race: `crypto.sign` is synchronous, so between the age check and storing the new
   * token no other code runs; many connections asking at once all get the one token minted by
   * the first caller. (Async signers need a single-flight lock here; this one cannot interleave.)
   */
  token(): string {
    const now = this.clock();
    if (now - this.issuedAtMs >= this.refreshAfterMs) this.mint(now);
    return this.jwt;
  }

  /** `bearer <token>`, the `authorization` header value, cached with the token. */
  authorization(): string {
    this.token();
    return this.bearer;
  }

  /** Tokens signed since this provider was created (one per refresh window when shared). */
  get minted(): number {
    return this.mintedCount;
  }

  /** Epoch ms of the current token's `iat` (whole seconds), undefined before the first token. */
  get issuedAt(): number | undefined {
    return this.mintedCount === 0 ? undefined : this.issuedAtMs;
  }

  /** A refused current token is replaced at once, unless too young; a refused older one already was. */
  refused(authorization: string): boolean {
    if (authorization !== this.bearer) return true;
    const now = this.clock();
    if (now - this.issuedAtMs < MIN_TOKEN_UPDATE_INTERVAL_MS) return false;
    this.mint(now);
    return true;
  }

  private mint(now: number): void {
    this.jwt = this.signer.sign(now);
    this.bearer = bearerOf(this.jwt);
    this.issuedAtMs = now;
    this.mintedCount++;
  }
}

/**
 * Parses and checks the key once: APNS token keys are EC P-256 private keys (ES256, RFC 7518
 * §3.4), which Apple issues as a PKCS#8 PEM `.p8`. The problem says what was found instead.
 */
export function parseSigningKey(privateKey: string | KeyObject): Parsed<KeyObject> {
  let key: KeyObject;
  if (typeof privateKey === 'string') {
    const parsed = parsePrivateKey(privateKey);
    if (!parsed.ok) return fail(`${parsed.problem}; expected ${P8}`);
    key = parsed.value;
  } else {
    key = privateKey;
  }
  if (key.type !== 'private') return fail(`holds a key of kind ${key.type}; expected ${P8}`);
  if (key.asymmetricKeyType !== 'ec') return fail(`holds a private key of type ${String(key.asymmetricKeyType).toUpperCase()}; expected ${P8}`);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== 'prime256v1') return fail(`holds an EC key on curve ${curve}; expected ${P8}`);
  return { ok: true, value: key };
}

const fail = (problem: string): Parsed<KeyObject> => ({ ok: false, problem });

/** What Apple issues for token auth. */
const P8 = 'an EC P-256 private key (ES256), as Apple issues it in a PKCS#8 PEM .p8 file';

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
