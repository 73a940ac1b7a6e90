/**
 * One APNS provider token per team and key across Herald instances (store.backend = "postgres").
 * Apple refuses a new token for a key issued less than about 20 minutes after the previous one
 * (429 TooManyProviderTokenUpdates), so instances that each mint their own see every push of
 * all but one refused. Here, a token is taken from the store (postgres-provider-tokens.ts,
 * on store/postgres/schema-v4.ts): in one locked exchange the stored token is used if it is younger
 * than the refresh age, else one is minted and stored, so one instance mints per refresh period
 * and all of them send its token.
 *
 * The signing key never leaves the process: only the signed JWT is stored.
 *
 * `authorization()` stays synchronous (senders, sender threads and the shard relay read it per
 * request): a due token starts the exchange and is sent until the exchange has answered — it is
 * `jwt_refresh_s` (at most 3 599 s) old, Apple accepts it for 3 600 s. Only a token Apple refused
 * or no longer accepts is withheld: `pending()` then hands senders the exchange to wait for.
 */
import type { Logger } from '../../core/log.js';
import { bearerOf, MIN_TOKEN_UPDATE_INTERVAL_MS, type ProviderTokenSigner, type TokenSource } from './jwt.js';

/** Apple refuses a token whose iat is more than an hour old (403 ExpiredProviderToken). */
export const APPLE_TOKEN_LIFETIME_MS = 3_600_000;

/**
 * ms before a failed exchange is tried again: a due token is checked on every request, and a
 * PostgreSQL that is down must not be asked once per push.
 */
export const STORE_RETRY_MS = 10_000;

/** A signed token and when it was issued (its `iat`, epoch ms). */
export interface StoredProviderToken {
  readonly jwt: string;
  readonly issuedAtMs: number;
}

/** Where the instances' tokens are kept: push-service/apns/postgres-provider-tokens.ts. */
export interface ProviderTokenStore {
  /**
   * In one transaction, holding a lock on team and key: `choose` is handed the stored token
   * (undefined when none) and returns the token to use, which is stored when it is another.
   */
  exchange(teamId: string, keyId: string, choose: (stored: StoredProviderToken | undefined) => StoredProviderToken): Promise<StoredProviderToken>;
}

export interface SharedApnsTokenOptions {
  signer: ProviderTokenSigner;
  /** A token at least this old (seconds) is replaced: config `apns.jwt_refresh_s`. */
  refreshAfterS: number;
  store: ProviderTokenStore;
  /** Where a failed exchange is reported. */
  log: Logger;
  /** Time source in epoch ms; default Date.now. */
  clock?: () => number;
}

export class SharedApnsToken implements TokenSource {
  private readonly signer: ProviderTokenSigner;
  private readonly store: ProviderTokenStore;
  private readonly log: Logger;
  private readonly refreshAfterMs: number;
  private readonly clock: () => number;
  private current: StoredProviderToken | undefined;
  private bearer = '';
  /** The JWT Apple last refused: never used again, whoever stored it. */
  private refusedJwt: string | undefined;
  private replacing: Promise<string> | undefined;
  private retryAtMs = Number.NEGATIVE_INFINITY;
  private mintedCount = 0;

  constructor(options: SharedApnsTokenOptions) {
    this.signer = options.signer;
    this.store = options.store;
    this.log = options.log;
    this.refreshAfterMs = options.refreshAfterS * 1000;
    this.clock = options.clock ?? Date.now;
  }

  async ready(): Promise<void> {
    if (this.current === undefined) await this.replace();
  }

  /** Resolves once the exchange in flight, if any, has answered (and its token is in use). */
  async exchanged(): Promise<void> {
    await this.replacing;
  }

  authorization(): string {
    const now = this.clock();
    if (this.current === undefined || (now - this.current.issuedAtMs >= this.refreshAfterMs && now >= this.retryAtMs)) void this.replace();
    return this.bearer;
  }

  pending(): Promise<string> | undefined {
    const current = this.current;
    const withheld = current === undefined || current.jwt === this.refusedJwt || this.clock() - current.issuedAtMs >= APPLE_TOKEN_LIFETIME_MS;
    return withheld ? this.replace() : undefined;
  }

  refused(authorization: string): boolean {
    const current = this.current;
    if (current === undefined || authorization !== this.bearer || current.jwt === this.refusedJwt) return true;
    if (this.clock() - current.issuedAtMs < MIN_TOKEN_UPDATE_INTERVAL_MS) return false;
    this.refusedJwt = current.jwt;
    void this.replace();
    return true;
  }

  /** Tokens this instance signed (the others' are read from the store, not counted). */
  get minted(): number {
    return this.mintedCount;
  }

  /** One exchange at a time; callers during one share it. */
  private replace(): Promise<string> {
    this.replacing ??= this.exchangeUntilUsable().finally(() => (this.replacing = undefined));
    return this.replacing;
  }

  /** An exchange that began before a refusal may bring back the refused token: then once more. */
  private async exchangeUntilUsable(): Promise<string> {
    do await this.exchange();
    while (this.current!.jwt === this.refusedJwt);
    return this.bearer;
  }

  private async exchange(): Promise<void> {
    let minted: StoredProviderToken | undefined;
    const mint = (): StoredProviderToken => (minted = this.mint());
    try {
      this.use(await this.store.exchange(this.signer.teamId, this.signer.keyId, (stored) => (this.fresh(stored) ? stored : mint())));
    } catch (e) {
      // Pushes go on without the store: the current token while Apple accepts it (minting now
      // would make Apple refuse the other instances' token, or this one, as too many updates),
      // else one minted here. The exchange is tried again STORE_RETRY_MS later.
      const current = this.current;
      const acceptable = current !== undefined && current.jwt !== this.refusedJwt && this.clock() - current.issuedAtMs < APPLE_TOKEN_LIFETIME_MS;
      const fallback = acceptable ? current : (minted ?? mint());
      this.retryAtMs = this.clock() + STORE_RETRY_MS;
      this.log.warn('apns.token_store_failed', {
        team_id: this.signer.teamId,
        key_id: this.signer.keyId,
        error: e instanceof Error ? e.message : String(e),
        using: fallback === current ? 'the current token' : 'a token minted by this instance',
      });
      this.use(fallback);
    }
  }

  /** Younger than the refresh age and not refused. */
  private fresh(token: StoredProviderToken | undefined): token is StoredProviderToken {
    return token !== undefined && token.jwt !== this.refusedJwt && this.clock() - token.issuedAtMs < this.refreshAfterMs;
  }

  private mint(): StoredProviderToken {
    const issuedAtMs = this.clock();
    this.mintedCount++;
    return { jwt: this.signer.sign(issuedAtMs), issuedAtMs };
  }

  private use(token: StoredProviderToken): void {
    if (token.jwt === this.current?.jwt) return;
    this.current = token;
    this.bearer = bearerOf(token.jwt);
  }
}
