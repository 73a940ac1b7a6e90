/**
 * The current fault modes of a simulator and what they mean for the next request. Pure but for
 * the injected clock: the server (simulator-server.ts) carries out the verdicts.
 */
import type { DropFault, ErrorBurst, FaultSettings, GoawayFault } from './fault-settings.js';

/**
 * What to do with a request instead of processing it, in this order of precedence:
 * refused streams, then a pending GOAWAY or drop whose countdown has run out, then a 5xx burst,
 * then a 429 burst.
 */
export type FaultVerdict =
  | { kind: 'refuse-stream' }
  | { kind: 'goaway'; goaway: GoawayFault }
  | { kind: 'drop-connection' }
  | { kind: 'error'; status: 429 | 500 | 503; retryAfterSeconds: number | undefined };

/** What a change of settings asks the server to do at once. */
export interface FaultActions {
  goawayNow: GoawayFault | undefined;
  dropNow: boolean;
  streamsChanged: boolean;
}

interface ActiveBurst {
  status: 429 | 500 | 503;
  retryAfterSeconds: number | undefined;
  /** Requests left; Infinity when the burst is bounded by time only (or not at all). */
  remaining: number;
  /** Simulator-clock ms at which the burst ends; Infinity when bounded by count only. */
  until: number;
}

export class FaultState {
  latencyMs = 0;
  jitterMs = 0;
  dropToOneStreamAfterRejection = false;
  maxConcurrentStreams: number;
  private refuseStreams = 0;
  private goaway: { fault: GoawayFault; countdown: number } | undefined;
  private drop: { countdown: number } | undefined;
  private serverErrors: ActiveBurst | undefined;
  private tooManyRequests: ActiveBurst | undefined;

  /** `nominalStreams`: the stream limit without faults (what clear() returns to). */
  constructor(
    private readonly clock: () => number,
    private readonly nominalStreams: number,
  ) {
    this.maxConcurrentStreams = nominalStreams;
  }

  /**
   * Applies the keys present in `s` (a key present with the value undefined ends that mode);
   * keys absent keep their value. `s` must have been validated.
   */
  apply(s: FaultSettings): FaultActions {
    const has = (key: keyof FaultSettings): boolean => Object.hasOwn(s, key);
    const actions: FaultActions = { goawayNow: undefined, dropNow: false, streamsChanged: false };
    if (has('latencyMs')) this.latencyMs = s.latencyMs ?? 0;
    if (has('jitterMs')) this.jitterMs = s.jitterMs ?? 0;
    if (has('dropToOneStreamAfterRejection')) this.dropToOneStreamAfterRejection = s.dropToOneStreamAfterRejection ?? false;
    if (has('maxConcurrentStreams')) {
      const streams = s.maxConcurrentStreams ?? this.nominalStreams;
      actions.streamsChanged = streams !== this.maxConcurrentStreams;
      this.maxConcurrentStreams = streams;
    }
    if (has('serverErrors')) this.serverErrors = this.burst(s.serverErrors, s.serverErrors?.status ?? 503);
    if (has('tooManyRequests')) this.tooManyRequests = this.burst(s.tooManyRequests, 429);
    if (has('refuseStreams')) this.refuseStreams = s.refuseStreams ?? 0;
    if (has('goaway')) {
      const countdown = s.goaway?.afterRequests ?? 0;
      this.goaway = s.goaway === undefined || countdown === 0 ? undefined : { fault: s.goaway, countdown };
      if (s.goaway !== undefined && countdown === 0) actions.goawayNow = s.goaway;
    }
    if (has('dropConnections')) {
      const countdown = s.dropConnections?.afterRequests ?? 0;
      this.drop = s.dropConnections === undefined || countdown === 0 ? undefined : { countdown };
      actions.dropNow = s.dropConnections !== undefined && countdown === 0;
    }
    return actions;
  }

  /** Ends every fault mode; the stream limit returns to its nominal value. */
  clear(): FaultActions {
    const streamsChanged = this.maxConcurrentStreams !== this.nominalStreams;
    this.latencyMs = 0;
    this.jitterMs = 0;
    this.dropToOneStreamAfterRejection = false;
    this.maxConcurrentStreams = this.nominalStreams;
    this.refuseStreams = 0;
    this.goaway = undefined;
    this.drop = undefined;
    this.serverErrors = undefined;
    this.tooManyRequests = undefined;
    return { goawayNow: undefined, dropNow: false, streamsChanged };
  }

  /** The settings in force: counts are what is left, durations what remains of them. */
  snapshot(): FaultSettings {
    const s: FaultSettings = {
      latencyMs: this.latencyMs,
      jitterMs: this.jitterMs,
      maxConcurrentStreams: this.maxConcurrentStreams,
      dropToOneStreamAfterRejection: this.dropToOneStreamAfterRejection,
    };
    if (this.refuseStreams > 0) s.refuseStreams = this.refuseStreams;
    if (this.goaway !== undefined) s.goaway = { ...this.goaway.fault, afterRequests: this.goaway.countdown };
    if (this.drop !== undefined) s.dropConnections = { afterRequests: this.drop.countdown } satisfies DropFault;
    const server = this.live(this.serverErrors);
    if (server !== undefined) s.serverErrors = { ...this.describe(server), status: server.status as 500 | 503 };
    const tooMany = this.live(this.tooManyRequests);
    if (tooMany !== undefined) s.tooManyRequests = this.describe(tooMany);
    return s;
  }

  /** The fault for the next request, counting it; undefined: process it normally. */
  verdict(): FaultVerdict | undefined {
    if (this.refuseStreams > 0) {
      this.refuseStreams--;
      return { kind: 'refuse-stream' };
    }
    if (this.goaway !== undefined && this.goaway.countdown-- <= 0) {
      const goaway = this.goaway.fault;
      this.goaway = undefined;
      return { kind: 'goaway', goaway };
    }
    if (this.drop !== undefined && this.drop.countdown-- <= 0) {
      this.drop = undefined;
      return { kind: 'drop-connection' };
    }
    return this.take('serverErrors') ?? this.take('tooManyRequests');
  }

  /** The delay before an answer: latency, jitter and a program's own extra delay. */
  delay(extraMs: number): number {
    const jitter = this.jitterMs > 0 ? Math.random() * this.jitterMs : 0;
    return this.latencyMs + jitter + extraMs;
  }

  private burst(b: ErrorBurst | undefined, status: 429 | 500 | 503): ActiveBurst | undefined {
    if (b === undefined) return undefined;
    const until = b.durationMs === undefined ? Infinity : this.clock() + b.durationMs;
    return { status, retryAfterSeconds: b.retryAfterSeconds, remaining: b.count ?? Infinity, until };
  }

  private live(b: ActiveBurst | undefined): ActiveBurst | undefined {
    return b !== undefined && b.remaining > 0 && this.clock() < b.until ? b : undefined;
  }

  private describe(b: ActiveBurst): ErrorBurst {
    const d: ErrorBurst = {};
    if (b.remaining !== Infinity) d.count = b.remaining;
    if (b.until !== Infinity) d.durationMs = b.until - this.clock();
    if (b.retryAfterSeconds !== undefined) d.retryAfterSeconds = b.retryAfterSeconds;
    return d;
  }

  private take(which: 'serverErrors' | 'tooManyRequests'): FaultVerdict | undefined {
    const burst = this.live(this[which]);
    if (burst === undefined) {
      this[which] = undefined;
      return undefined;
    }
    burst.remaining--;
    return { kind: 'error', status: burst.status, retryAfterSeconds: burst.retryAfterSeconds };
  }
}
