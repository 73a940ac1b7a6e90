/**
 * A MessagePort (or a Worker, or a worker's parentPort) whose outgoing messages of one event-loop
 * turn travel as one message: a postMessage costs a structured clone and a wake-up of the other
 * thread, so one per turn instead of one per stanza is what keeps the hop between threads cheap
 * under load. The batch crosses as one string (batch-codec.ts): cloning one string is a copy,
 * while cloning an array of small tuples walks every object (profiled: the tuples' clone cost
 * more than the text). Items must be JSON values but for a last element that is a string
 * (shard-protocol.ts keeps them so; `undefined` arrives as null). Order is kept: items arrive in
 * the order they were sent.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { decodeBatch, encodeBatch } from './batch-codec.js';

type Endpoint = Pick<MessagePort | Worker, 'postMessage'>;

export class BatchedPort<Item extends readonly unknown[]> {
  private queue: Item[] = [];
  private scheduled = false;

  constructor(private readonly endpoint: Endpoint) {}

  send(item: Item): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Sends what is queued now (before a close, where no later turn may come). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.endpoint.postMessage(encodeBatch(batch));
  };
}

/** The items of a batch a BatchedPort sent. */
export function itemsOf<Item>(message: string): Item[] {
  return decodeBatch<Item>(message);
}
