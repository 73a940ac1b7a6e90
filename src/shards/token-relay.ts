/**
 * One APNS provider token per key for the whole process. Apple counts token updates per key
 * (TooManyProviderTokenUpdates beyond about one per 20 minutes), so shards do not mint their
 * own: the main thread's providers mint (embed/push-wiring.ts), and every change of a token is
 * relayed to every shard, whose pools read the latest one they were sent. A token Apple refuses
 * in a shard (ExpiredProviderToken, InvalidProviderToken) goes back to the main thread's
 * provider, which replaces it once (or keeps it: apns/jwt.ts `refused`); the new token is
 * relayed to every shard at once, and the refusing shard's resends wait for the answer.
 */
import { answerRefusal, ForwardedToken } from '../push-service/apns/forwarded-token.js';
import type { TokenSource } from '../push-service/apns/jwt.js';

/**
 * ms between the main thread's looks at its providers. A provider mints when its token is
 * `jwt_refresh_s` old (at most 3 599 s); Apple accepts a token for 3 600 s, so a shard's token
 * is at most jwt_refresh_s + this old when replaced, and the default refresh (3 000 s) leaves
 * ten minutes of margin.
 */
const TOKEN_RELAY_INTERVAL_MS = 10_000;

/** On the main thread: the current tokens, and each new one sent on as it is minted. */
export class TokenRelay {
  private readonly sent = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sources: ReadonlyMap<string, TokenSource>,
    private readonly send: (id: string, authorization: string) => void,
    intervalMs = TOKEN_RELAY_INTERVAL_MS,
  ) {
    for (const [id, source] of sources) this.sent.set(id, source.authorization());
    this.timer = setInterval(() => this.check(), intervalMs).unref();
  }

  /** The tokens a new shard starts with. */
  current(): Array<[id: string, authorization: string]> {
    return [...this.sent];
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A shard's report that Apple refused `authorization`: the token that shard is to send now (undefined: no such source). */
  async refused(id: string, authorization: string): Promise<string | undefined> {
    const source = this.sources.get(id);
    if (source === undefined) return undefined;
    const answer = await answerRefusal(source, authorization);
    this.relayIfNew(id, answer);
    return answer;
  }

  private check(): void {
    for (const [id, source] of this.sources) this.relayIfNew(id, source.authorization()); // mints when the token is due
  }

  private relayIfNew(id: string, authorization: string): void {
    if (this.sent.get(id) === authorization) return;
    this.sent.set(id, authorization);
    this.send(id, authorization);
  }
}

/** In a shard: token sources that answer the last token the main thread sent, and report Apple's refusals to it. */
export class RelayedTokens {
  readonly sources = new Map<string, ForwardedToken>();

  constructor(initial: ReadonlyArray<[string, string]>, report: (id: string, authorization: string) => void) {
    for (const [id, authorization] of initial) this.sources.set(id, new ForwardedToken(authorization, (refused) => report(id, refused)));
  }

  update(id: string, authorization: string): void {
    this.sources.get(id)?.relayed(authorization);
  }

  answered(id: string, authorization: string): void {
    this.sources.get(id)?.answered(authorization);
  }
}
