/**
 * The provider token of a thread that does not hold the key's token source: a sender thread
 * (threaded/sender-thread.ts) or a shard (shards/token-relay.ts). The main thread's source is the
 * one per key and process (Apple refuses a second token of a key within 20 minutes:
 * TooManyProviderTokenUpdates), so this one only forwards: it sends the token it was last relayed
 * and, when Apple refuses that token (ExpiredProviderToken, InvalidProviderToken), reports the
 * refusal to the main thread, whose source decides (jwt.ts `refused`: replace it, once, unless it
 * is younger than 20 minutes), and holds the resend until the main thread has answered.
 */
import type { TokenSource } from './jwt.js';

/**
 * ms a resend waits for the main thread's answer to a refusal. The main thread answers within a
 * turn (an ES256 signature); one that has not answered in this long is stuck or its port is gone,
 * and resends held longer would pile up behind it. After it the resends carry the token in hand,
 * and Apple's answer to them settles it (another refusal reports again).
 */
export const REFUSAL_ANSWER_WAIT_MS = 10_000;

export class ForwardedToken implements TokenSource {
  readonly minted = 0;
  private current: string;
  /** The token reported refused, and the main thread's answer awaited by the resends. */
  private awaited: { refused: string; answer: Promise<string>; resolve(authorization: string): void; timer: NodeJS.Timeout } | undefined;
  /** A refused token the main thread kept (too young to replace): a resend would carry it again. */
  private kept: string | undefined;

  /** `report`: sends a refusal of `authorization` to the main thread, which answers with `answered`. */
  constructor(
    initial: string,
    private readonly report: (authorization: string) => void,
    private readonly answerWaitMs = REFUSAL_ANSWER_WAIT_MS,
  ) {
    this.current = initial;
  }

  authorization(): string {
    return this.current;
  }

  /** Resends wait for the main thread's answer to the refusal; none once it came. */
  pending(): Promise<string> | undefined {
    return this.awaited?.answer;
  }

  refused(authorization: string): boolean {
    if (authorization !== this.current) return true; // replaced since: the resend carries the new one
    if (authorization === this.kept) return false;
    if (this.awaited === undefined) {
      let resolve!: (authorization: string) => void;
      const answer = new Promise<string>((r) => (resolve = r));
      // Unanswered in time: settled with the token in hand (not kept: a later refusal reports again).
      const timer = setTimeout(() => this.settle(this.current), this.answerWaitMs).unref();
      this.awaited = { refused: authorization, answer, resolve, timer };
      this.report(authorization);
    }
    return true;
  }

  /** The main thread's token, relayed (a refresh, or the token every batch carries). */
  relayed(authorization: string): void {
    this.current = authorization;
    if (this.awaited !== undefined && authorization !== this.awaited.refused) this.settle(authorization);
  }

  /** The main thread's answer to a refusal: the token to send now, the refused one if it kept it. */
  answered(authorization: string): void {
    this.current = authorization;
    if (this.awaited !== undefined && authorization === this.awaited.refused) this.kept = authorization;
    this.settle(authorization);
  }

  private settle(authorization: string): void {
    const awaited = this.awaited;
    if (awaited === undefined) return;
    this.awaited = undefined;
    clearTimeout(awaited.timer);
    awaited.resolve(authorization);
  }
}

/**
 * On the main thread: a refusal a thread reported, handed to the key's source; resolves with the
 * token the thread is to send now (the refused one when the source keeps it). Never rejects: the
 * thread's resends wait for this answer.
 */
export async function answerRefusal(source: TokenSource, authorization: string): Promise<string> {
  try {
    source.refused?.(authorization);
    return (await source.pending?.()) ?? source.authorization();
  } catch {
    return authorization; // no token to be had: the resend carries the refused one, and Apple's answer settles it
  }
}
