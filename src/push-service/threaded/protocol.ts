/**
 * Messages between the main thread and a sender thread. Requests and outcomes cross in
 * batches (one postMessage per event-loop turn each way): a structured clone per message costs
 * about as much as a small batch, so batching keeps the crossing cheap.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ClientCertificate } from '../http2/connection.js';
import type { GroupConnections, SenderGroupStats } from '../http2/sender-group.js';
import type { PushOutcome } from '../notification.js';
import type { RelayedLine } from '../../core/log-relay.js';

/** The thread's share of its pool: `connections` is this thread's count. */
export interface ThreadPoolShare extends GroupConnections {
  /** Certificate-based auth: the relayed token is then '' (no `authorization` header). */
  certificate?: ClientCertificate;
}

export interface SenderThreadInit {
  pool: ThreadPoolShare;
  senderMailboxCapacity: number;
  /** How often the thread reports its stats, ms. */
  statsIntervalMs: number;
  /** Open the connections at start and keep them open (http2/sender-group.ts `warmUp`). */
  warmUp?: boolean;
}

export type ToSenderThread =
  /**
   * Requests prepared on the main thread (payload encoded and size-checked there), with the
   * `authorization` value to send them with: the provider token is minted once per process, on
   * the main thread, and relayed (Apple: one token shared by all connections); '' with
   * certificate-based auth (no `authorization` header). The requests are one string
   * (request-batch.ts); their ids are `firstId`, `firstId + 1`, … in batch order.
   */
  | { type: 'send'; firstId: number; requests: string; authorization: string }
  /** The answer to `token_refused`: the token to send now (the refused one if the main thread kept it). */
  | { type: 'token'; authorization: string }
  | { type: 'close'; graceMs?: number };

export type FromSenderThread =
  | { type: 'ready' }
  /**
   * Settled notifications. Deliveries, the bulk, travel as plain data: their request ids and
   * their apns-ids joined by ',' (one string clones as one copy, thousands of small objects do
   * not). Everything else is listed with its outcome.
   */
  | {
      type: 'outcomes';
      deliveredIds: number[];
      deliveredApnsIds: string;
      otherIds: number[];
      others: Array<PushOutcome | { thrown: ErrorCode | 'unexpected'; message: string }>;
    }
  /**
   * `utilization`: the thread's event-loop utilization since the previous report (0..1);
   * `heapUsed`: the thread's V8 heap in bytes (each thread has its own heap).
   */
  | { type: 'stats'; stats: SenderGroupStats; utilization?: number; heapUsed?: number }
  | { type: 'closed' }
  | { type: 'failed'; message: string }
  /** A log line of the thread's HTTP/2 connections, redacted, for the main thread's logger (core/log-relay.ts). */
  | { type: 'log'; line: RelayedLine }
  /**
   * Apple refused `authorization` (ExpiredProviderToken, InvalidProviderToken): the main
   * thread's token source decides whether to replace it (apns/forwarded-token.ts), and answers `token`.
   */
  | { type: 'token_refused'; authorization: string };
