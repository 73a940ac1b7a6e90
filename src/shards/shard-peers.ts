/**
 * A shard's links to the other shards: node operations for push nodes another shard owns go to
 * that shard and come back answered (the NodeOwners of app-server.ts), and the other shards'
 * requests for this shard's nodes are served by its own App Server. One MessagePort per pair of
 * shards, so the requests of one shard to another arrive in the order they were made (a user's
 * publishes to a node keep their order across shards).
 */
import type { MessagePort } from 'node:worker_threads';
import type { AppServerRole, NodeOwners } from '../app-server/app-server.js';
import type { PeerNodeMessage, NodeReply } from '../app-server/node-actor.js';
import { HeraldError } from '../core/errors.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import type { Push2Notification } from '../xmpp/push2/push2-types.js';
import { BatchedPort, itemsOf } from './batched-port.js';
import { shardOf } from './shard-of.js';
import type { PeerMessage, TransferredNodeReply } from './shard-protocol.js';
import { rebuildStanzaError, serializeStanzaError } from './stanza-error-transfer.js';

interface Pending {
  peer: number;
  resolve(reply: NodeReply | undefined): void;
  reject(error: unknown): void;
}

export class ShardPeers implements NodeOwners {
  private readonly peers: Array<BatchedPort<PeerMessage> | undefined>;
  private readonly ports: Array<MessagePort | undefined>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private server: AppServerRole | undefined;
  private closed = false;

  /** `ports[i]` leads to shard i (undefined at this shard's own index). */
  constructor(
    private readonly index: number,
    ports: ReadonlyArray<MessagePort | undefined>,
  ) {
    this.ports = [...ports];
    this.peers = ports.map((port) => (port ? new BatchedPort<PeerMessage>(port) : undefined));
    ports.forEach((port, i) => port && this.listen(i, port));
  }

  /** Shard `peer` was started anew: this is the port to it now. */
  replace(peer: number, port: MessagePort): void {
    this.ports[peer]?.close();
    this.refuseWaitingOn(peer);
    this.ports[peer] = port;
    this.peers[peer] = new BatchedPort<PeerMessage>(port);
    this.listen(peer, port);
  }

  private listen(peer: number, port: MessagePort): void {
    port.on('message', (batch: string) => this.receive(peer, itemsOf<PeerMessage>(batch)));
    // The other shard closed its end (it stopped): what waits on it will not be answered.
    port.on('close', () => {
      if (this.ports[peer] === port) this.refuseWaitingOn(peer);
    });
  }

  /** The App Server that serves the other shards' requests for this shard's nodes. */
  serve(server: AppServerRole): void {
    this.server = server;
  }

  owns(node: string): boolean {
    return shardOf(node, this.ports.length) === this.index;
  }

  ask(node: string, message: PeerNodeMessage): Promise<NodeReply> {
    return this.request(node, (id) => ['ask', id, node, message]) as Promise<NodeReply>;
  }

  async publish(publish: PushPublish): Promise<void> {
    const reply = await this.request(publish.node, (id) => ['publish', id, publish]);
    if (reply?.kind === 'refused') throw reply.error;
  }

  async deliverPush2(node: string, notification: Push2Notification): Promise<void> {
    const reply = await this.request(node, (id) => ['push2', id, notification]);
    if (reply?.kind === 'refused') throw reply.error;
  }

  /** Requests still waiting are refused: their shard is gone or this one is closing. */
  close(): void {
    this.closed = true;
    for (const { reject } of this.pending.values()) reject(new HeraldError('HERALD_SHUTTING_DOWN', 'a shard is closing'));
    this.pending.clear();
    for (const port of this.ports) port?.close();
  }

  private request(node: string, message: (id: number) => PeerMessage): Promise<NodeReply | undefined> {
    if (this.closed) return Promise.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'the shard is closing'));
    const index = shardOf(node, this.ports.length);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { peer: index, resolve, reject });
      this.peers[index]!.send(message(id));
    });
  }

  private refuseWaitingOn(peer: number): void {
    for (const [id, waiting] of this.pending) {
      if (waiting.peer !== peer) continue;
      this.pending.delete(id);
      waiting.reject(new HeraldError('HERALD_SHUTTING_DOWN', `shard ${peer} stopped`));
    }
  }

  private receive(from: number, batch: PeerMessage[]): void {
    for (const message of batch) {
      switch (message[0]) {
        case 'ask':
          this.serveAsk(from, message[1], message[2], message[3]);
          break;
        case 'publish':
          this.serveDelivery(from, message[1], (server) => server.publishLocal(message[2]));
          break;
        case 'push2':
          this.serveDelivery(from, message[1], (server) => server.deliverPush2(message[2]));
          break;
        case 'answer':
          this.settle(message[1])?.resolve(message[2] ?? undefined);
          break;
        case 'refused': {
          const error = rebuildStanzaError(message[2]);
          const waiting = this.settle(message[1]);
          // An ask's refusal is a reply (NodeReply `refused`); a publish's is its throw.
          if (waiting) waiting.resolve({ kind: 'refused', error });
          break;
        }
      }
    }
  }

  private settle(id: number): Pending | undefined {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    return waiting;
  }

  private serveAsk(from: number, id: number, node: string, message: PeerNodeMessage): void {
    const reply = this.peers[from]!;
    if (!this.server) return reply.send(['refused', id, serializeStanzaError(undefined)]);
    this.server.askOwned(node, message).then(
      (answer) => {
        if (answer.kind === 'refused') reply.send(['refused', id, serializeStanzaError(answer.error)]);
        else reply.send(['answer', id, answer as TransferredNodeReply]);
      },
      (e: unknown) => reply.send(['refused', id, serializeStanzaError(e)]),
    );
  }

  /** A publish or Push 2.0 notification for a node of this shard: answered once the push service answered. */
  private serveDelivery(from: number, id: number, deliver: (server: AppServerRole) => Promise<void>): void {
    const reply = this.peers[from]!;
    if (!this.server) return reply.send(['refused', id, serializeStanzaError(undefined)]);
    deliver(this.server).then(
      () => reply.send(['answer', id, null]),
      (e: unknown) => reply.send(['refused', id, serializeStanzaError(e)]),
    );
  }
}
