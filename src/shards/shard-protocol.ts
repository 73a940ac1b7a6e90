/**
 * What the main thread and the shard workers say to each other. Tuples, not objects: a batch of
 * them is structured-cloned per turn (batched-port.ts), and short arrays clone fastest.
 */
import type { PeerNodeMessage, NodeReply } from '../app-server/node-actor.js';
import type { EngineFigures } from '../push-service/ops/engine-figures.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import type { MessageContext } from '../xmpp-server/index.js';
import type { Push2Notification } from '../xmpp/push2/push2-types.js';
import type { SerializedStanzaError, TransferredFailure } from './stanza-error-transfer.js';
import type { RelayedLine } from '../core/log-relay.js';

/** Main → shard. `seq` answers a `handleStanza` call (its promise settles on `done`/`failed`). */
export type ToShard =
  | readonly ['stanza', seq: number, text: string]
  /**
   * A stanza of an inbound stream (held-stanzas.ts): answered `read` once parsed without a stream
   * error (or `failed` at once), acted on when `free` or released, then `done`/`failed`.
   */
  | readonly ['streamed', seq: number, text: string, stream: number, free: boolean]
  /** Every stanza of `stream` up to `seq` was read without a stream error: act on them. */
  | readonly ['release', stream: number, seq: number]
  /** Stanza `seq` of `stream` was refused (RFC 6120 §4.9): drop it and every later one. */
  | readonly ['drop', stream: number, seq: number]
  /** A message to a local user, with what the host said of it (MessageContext) when it said anything. */
  | readonly ['message', text: string, context?: MessageContext]
  | readonly ['available' | 'hibernated' | 'unavailable' | 'activity', fullJid: string]
  /** The main thread minted a new APNS provider token (token-relay.ts). */
  | readonly ['token', id: string, authorization: string]
  /** The answer to `token_refused`: the token to send now (the refused one if the main thread kept it). */
  | readonly ['token_answer', id: string, authorization: string]
  /** /healthcheck or /metrics is being answered: the shard's figures, please (answered with `ops`, same id). */
  | readonly ['ops', id: number]
  | readonly ['close'];

/** Shard → main. */
export type FromShard =
  | readonly ['route', text: string]
  | readonly ['done', seq: number]
  /** A `streamed` stanza was parsed without a stream error (it may still be held). */
  | readonly ['read', seq: number]
  | readonly ['failed', seq: number, failure: TransferredFailure]
  | readonly ['log', ...RelayedLine]
  | readonly ['ops', id: number, figures: EngineFigures]
  /** Apple refused the relayed token `authorization` of source `id` (token-relay.ts): answered `token_answer`. */
  | readonly ['token_refused', id: string, authorization: string]
  | readonly ['closed'];

/** Shard ↔ shard: node operations for push nodes the other shard owns. */
export type PeerMessage =
  | readonly ['ask', id: number, node: string, message: PeerNodeMessage]
  | readonly ['publish', id: number, publish: PushPublish]
  /** A Push 2.0 notification for a node the other shard owns (its `<client/>` names it). */
  | readonly ['push2', id: number, notification: Push2Notification]
  | readonly ['answer', id: number, reply: TransferredNodeReply | null]
  | readonly ['refused', id: number, error: SerializedStanzaError];

/** A NodeReply without the promise of `sending` (only publishes have one, and they cross as a whole). */
export type TransferredNodeReply = Exclude<NodeReply, { kind: 'sending' | 'refused' }>;

/** Main → a live shard, outside the batches: the port to a shard started anew in place of `peer`. */
export interface NewPeer {
  peer: number;
  port: import('node:worker_threads').MessagePort;
}

/** The first message of a shard worker: started, or why not. */
export type ShardStarted = { ready: true } | { ready: false; error: string };
