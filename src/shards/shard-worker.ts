/**
 * One shard: a worker thread running a whole Herald (the XMPP Server and App Server roles, their
 * actors, its own push pools and HTTP/2 connections) for the users and push nodes that hash to
 * it. The main thread hands it stanza texts and session events in order (shard-protocol.ts); it
 * parses them here, answers through the main thread, and reaches the other shards' push nodes
 * through ShardPeers. Its log lines go to the main thread's logger.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Element } from '@xmpp/xml';
import { HeraldError } from '../core/errors.js';
import type { HeraldConfig } from '../core/config/schema.js';
import { mark, tracing } from '../core/latency-trace.js';
import { relayingLogger } from '../core/log-relay.js';
import { Herald } from '../embed/engine.js';
import { XmlViolation } from '../xmpp/xml-violation.js';
import { BatchedPort, itemsOf } from './batched-port.js';
import { HeldStanzas } from './held-stanzas.js';
import { readHead } from './routing-key.js';
import { ShardPeers } from './shard-peers.js';
import type { FromShard, NewPeer, ShardStarted, ToShard } from './shard-protocol.js';
import { serializeFailure } from './stanza-error-transfer.js';
import { RelayedTokens } from './token-relay.js';
import { attr } from '../xmpp/attr.js';

export interface ShardWorkerData {
  index: number;
  config: HeraldConfig;
  idPrefix: string;
  /** The main thread's APNS tokens by tokenSourceId (token-relay.ts). */
  tokens: Array<[string, string]>;
  /** `peers[i]`: the port to shard i (undefined at this shard's index). */
  peers: Array<MessagePort | undefined>;
}

const data = workerData as ShardWorkerData;
const port = parentPort!;
const out = new BatchedPort<FromShard>(port);

// Batches cross as JSON (batched-port.ts): the relayed fields are redacted and JSON-safe.
const log = relayingLogger((line) => out.send(['log', ...line]));

const peers = new ShardPeers(data.index, data.peers);
const tokens = new RelayedTokens(data.tokens, (id, authorization) => out.send(['token_refused', id, authorization]));
let herald: Herald;
/** Stanzas of inbound streams, read and waiting to be acted on (before the port listens: no message finds it unset). */
const held = new HeldStanzas(
  (seq, stanza) => settle(seq, herald.handleRead(stanza)),
  (seq) => out.send(['failed', seq, serializeFailure(new HeraldError('HERALD_AFTER_STREAM_ERROR'))]),
);

try {
  herald = await Herald.start({
    config: data.config,
    logger: log,
    host: {
      route: (stanza) => {
        if (tracing) mark('shard.routed', attr(stanza, 'id'));
        out.send(['route', stanza.toString()]);
      },
    },
    shard: { idPrefix: data.idPrefix, push: { tokens: tokens.sources }, owners: peers },
  });
  port.postMessage({ ready: true } satisfies ShardStarted);
  port.on('message', (message: string | NewPeer) => {
    if (typeof message !== 'string') return peers.replace(message.peer, message.port);
    for (const item of itemsOf<ToShard>(message)) handle(item);
  });
} catch (e) {
  port.postMessage({ ready: false, error: (e as Error)?.message ?? String(e) } satisfies ShardStarted);
  peers.close();
}

function settle(seq: number, handled: Promise<void>): void {
  handled.then(
    () => out.send(['done', seq]),
    (e: unknown) => out.send(['failed', seq, serializeFailure(e)]),
  );
}

/** A stanza of an inbound stream: read now, acted on when no earlier stanza of its stream can still be refused. */
function streamed(seq: number, text: string, stream: number, free: boolean): void {
  let stanza: Element | undefined;
  try {
    stanza = herald.readStanza(text);
  } catch (e) {
    if (e instanceof XmlViolation) held.refused(stream, seq);
    out.send(['failed', seq, serializeFailure(e)]);
    return;
  }
  if (stanza === undefined) {
    out.send(['done', seq]); // over a limit, answered: no stream error
    return;
  }
  out.send(['read', seq]);
  held.read(stream, seq, stanza, free);
}

function handle(item: ToShard): void {
  switch (item[0]) {
    case 'stanza':
      if (tracing) mark('shard.received', readHead(item[2])?.id);
      return settle(item[1], herald.handleStanza(item[2]));
    case 'streamed':
      return streamed(item[1], item[2], item[3], item[4]);
    case 'release':
      return held.release(item[1], item[2]);
    case 'drop':
      return held.drop(item[1], item[2]);
    case 'message':
      try {
        herald.messageToUser(item[1], item[2]);
      } catch (e) {
        log.warn('shard.message_refused', { error: e });
      }
      return;
    case 'available':
      return herald.sessionAvailable(item[1]);
    case 'hibernated':
      return herald.sessionHibernated(item[1]);
    case 'unavailable':
      return herald.sessionUnavailable(item[1]);
    case 'activity':
      return herald.sessionActivity(item[1]);
    case 'token':
      return tokens.update(item[1], item[2]);
    case 'token_answer':
      return tokens.answered(item[1], item[2]);
    case 'ops':
      return out.send(['ops', item[1], herald.figures()]);
    case 'close':
      void closeShard();
      return;
  }
}

/** Answers in flight finish (Herald.close waits for them), then the main thread hears `closed`. */
async function closeShard(): Promise<void> {
  try {
    await herald.close();
  } catch (e) {
    log.error('shard.close_failed', { error: e });
  }
  peers.close();
  out.send(['closed']);
  out.flush();
}
