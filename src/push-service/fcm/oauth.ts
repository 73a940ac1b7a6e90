/**
 * OAuth2 access tokens for FCM HTTP v1 from a service account (RFC 7523 JWT-bearer grant;
 * reference: apns-fcm.md, "FCM HTTP v1"): an RS256 assertion signed with the account's key is
 * POSTed form-encoded to the account's `token_uri`; the answer's token lives ~1 h.
 *
 * One provider per process and account: the token is cached, refreshed `refreshMarginS` before it
 * expires, and refreshed single-flight (concurrent callers share one request), so a burst of
 * sends never turns into a burst of token requests.
 */
import { createSign } from 'node:crypto';
import https from 'node:https';
import { HeraldError } from '../../core/errors.js';
import { parsePrivateKey, type Parsed } from '../../core/pem.js';

/** Google: "https://www.googleapis.com/auth/firebase.messaging" is the scope FCM v1 needs. */
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** RFC 7523 §2.1 grant type. */
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google accepts assertions with exp ≤ iat + 1 h. */
const ASSERTION_LIFETIME_S = 3_600;
/** A token answer is ~1 KB; a peer streaming more is not read beyond this. */
const MAX_TOKEN_ANSWER_BYTES = 65_536;

/** The fields of a service-account JSON file the sender reads. */
export interface FcmServiceAccount {
  project_id: string;
  client_email: string;
  /** PKCS#8 PEM. */
  private_key: string;
  token_uri: string;
}

export interface AccessTokenSource {
  /** A valid access token: the cached one, or one fetched (single-flight). */
  accessToken(): Promise<string>;
  /** The cached token while it is still valid, without a promise (the send path); else undefined. */
  current?(): string | undefined;
  /** Drops `token` (FCM answered 401 with it) unless a newer one already replaced it. */
  invalidate(token: string): void;
  /** Tokens fetched so far. */
  readonly fetched: number;
}

export interface FcmAccessTokensOptions {
  account: FcmServiceAccount;
  /** Refresh this many seconds before expiry (config `fcm.token_refresh_margin_s`). */
  refreshMarginS: number;
  /** Extra trusted CA (PEM) for the token URI. */
  ca?: string | Buffer;
  /** A token request unanswered this long (ms) fails. */
  timeoutMs: number;
  /** Epoch-ms time source; default Date.now. */
  clock?: () => number;
}

export class FcmAccessTokens implements AccessTokenSource {
  private token: string | undefined = undefined;
  private expiresAt = 0;
  private refreshing: Promise<string> | undefined = undefined;
  private count = 0;
  private readonly clock: () => number;

  constructor(private readonly options: FcmAccessTokensOptions) {
    this.clock = options.clock ?? Date.now;
    assertAccount(options.account);
  }

  get fetched(): number {
    return this.count;
  }

  /** The cached token while it has more than the margin left; no promise needed. */
  current(): string | undefined {
    if (this.token === undefined) return undefined;
    return this.clock() < this.expiresAt - this.options.refreshMarginS * 1_000 ? this.token : undefined;
  }

  accessToken(): Promise<string> {
    const cached = this.current();
    if (cached !== undefined) return Promise.resolve(cached);
    this.refreshing ??= this.fetch().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  invalidate(token: string): void {
    if (this.token === token) this.token = undefined;
  }

  private async fetch(): Promise<string> {
    const requestedAt = this.clock();
    const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: this.assertion(requestedAt) });
    const { status, body } = await postForm(this.options.account.token_uri, form.toString(), this.options);
    let answer: { access_token?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(body) as typeof answer;
    } catch {
      answer = {};
    }
    if (status !== 200 || typeof answer.access_token !== 'string' || typeof answer.expires_in !== 'number') {
      throw new HeraldError('HERALD_AUTH_KEY_INVALID', `FCM token endpoint answered ${status}: ${body.slice(0, 200)}`);
    }
    this.count++;
    this.token = answer.access_token;
    // Counted from when we asked, so time spent on the way only makes the refresh earlier.
    this.expiresAt = requestedAt + answer.expires_in * 1_000;
    return answer.access_token;
  }

  /** RFC 7523 §3 assertion: RS256 JWT {iss, scope, aud = token_uri, iat, exp}. */
  private assertion(nowMs: number): string {
    const iat = Math.floor(nowMs / 1_000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const claims = b64url(
      JSON.stringify({
        iss: this.options.account.client_email,
        scope: FCM_SCOPE,
        aud: this.options.account.token_uri,
        iat,
        exp: iat + ASSERTION_LIFETIME_S,
      }),
    );
    const signingInput = `${header}.${claims}`;
    let signature: string;
    try {
      signature = createSign('RSA-SHA256').update(signingInput).sign(this.options.account.private_key, 'base64url');
    } catch (e) {
      throw new HeraldError('HERALD_AUTH_KEY_INVALID', `FCM service-account key: ${(e as Error).message}`, { cause: e });
    }
    return `${signingInput}.${signature}`;
  }
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function assertAccount(a: FcmServiceAccount): void {
  const problem = serviceAccountProblem(a);
  if (problem !== undefined) throw new HeraldError('HERALD_AUTH_KEY_INVALID', `FCM service account ${problem}`);
}

/**
 * A service-account JSON file's text (Firebase console → Project settings → Service accounts →
 * "Generate new private key"), checked as far as it can be without Google: the fields the
 * RFC 7523 assertion needs, an RSA private key (RS256) and an https token URI.
 */
export function parseServiceAccount(text: string): Parsed<FcmServiceAccount> {
  if (text.trim() === '') return { ok: false, problem: 'is empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `is not JSON (${(e as Error).message})` };
  }
  const problem = serviceAccountProblem(json);
  return problem === undefined ? { ok: true, value: json as FcmServiceAccount } : { ok: false, problem };
}

const ACCOUNT_FIELDS = ['project_id', 'client_email', 'private_key', 'token_uri'] as const;

function serviceAccountProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'is not a JSON object';
  const a = json as Record<string, unknown>;
  if (a.type !== undefined && a.type !== 'service_account') {
    return `is a "${String(a.type)}" credential, not a service account ("type": "service_account")`;
  }
  const missing = ACCOUNT_FIELDS.filter((k) => typeof a[k] !== 'string' || a[k] === '');
  if (missing.length > 0) {
    // google-services.json (the Android app's client config) is the usual mix-up.
    const hint = 'project_info' in a ? ' (this looks like google-services.json, the app\'s config, not a service account key)' : '';
    return `lacks ${missing.join(', ')}${hint}`;
  }
  const key = parsePrivateKey(a.private_key as string);
  if (!key.ok) return `private_key ${key.problem}`;
  if (key.value.asymmetricKeyType !== 'rsa') {
    return `private_key is of type ${String(key.value.asymmetricKeyType).toUpperCase()}; the assertion is RS256, which needs an RSA key`;
  }
  let uri: URL | undefined;
  try {
    uri = new URL(a.token_uri as string);
  } catch {
    uri = undefined;
  }
  if (uri?.protocol !== 'https:') return `token_uri "${String(a.token_uri).slice(0, 100)}" is not an https URL`;
  return undefined;
}

/** node:https, not fetch: Node 20's fetch cannot be given an extra CA. */
function postForm(
  uri: string,
  form: string,
  o: Pick<FcmAccessTokensOptions, 'ca' | 'timeoutMs'>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error): void =>
      reject(new HeraldError('HERALD_TRANSPORT', `FCM token endpoint ${uri}: ${e.message}`, { cause: e }));
    let req: ReturnType<typeof https.request>;
    try {
      req = https.request(uri, {
        method: 'POST',
        ca: o.ca,
        timeout: o.timeoutMs,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) },
      });
    } catch (e) {
      fail(e as Error);
      return;
    }
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_TOKEN_ANSWER_BYTES) body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on('error', fail);
    req.end(form);
  });
}
