/**
 * A nact actor behind a bounded mailbox.
 *
 * nact mailboxes are unbounded and nact hands an actor at most one message per event-loop turn
 * (one setImmediate each), which caps an actor at a few thousand messages a second on a busy
 * loop. So the mailbox is ours: a BoundedQueue of `capacity` envelopes. A send to a full
 * mailbox throws HERALD_MAILBOX_FULL at once; nothing is queued beyond `capacity`. nact carries
 * only a "drain" signal (at most one outstanding), and the actor's handler takes the queued
 * messages one by one — each handled and awaited before the next, so ordering and one-at-a-time
 * semantics hold — up to `DRAIN_BATCH` per turn so one busy actor cannot starve the others.
 *
 * The actor's state is a Behaviour object made by a factory. When a handler throws, the asker
 * gets the error and nact's supervisor (`reset`) builds a fresh Behaviour from the factory,
 * i.e. from the persisted state: a crash never leaves half-updated state in memory.
 *
 * Every ask settles: handled, refused at once (full mailbox, stopped actor), or rejected with
 * HERALD_ACTOR_STOPPED by `stop()` (nact drops a stopped actor's pending drain signal, so what
 * is still queued would otherwise wait forever). Callers therefore need no per-call listener on
 * a long-lived "stopped" promise, which would keep every settled request reachable.
 */
import { dispatch, spawn, stop as stopActor, type Ref } from 'nact';
import { HeraldError } from '../core/errors.js';
import { BoundedQueue } from './bounded-queue.js';

export interface Behaviour<M, R = void> {
  /** Handles one message; the next one is not handled until this settles. */
  handle(msg: M): R | Promise<R>;
  /** Called once when the actor is stopped (passivation or shutdown). */
  stopped?(): void;
}

export type BehaviourFactory<M, R> = () => Behaviour<M, R>;

interface Envelope<M, R> {
  body: M;
  resolve?: (r: R) => void;
  reject?: (e: unknown) => void;
}

export interface CellOptions {
  capacity: number;
  /** Called with the error when a handler throws, before the behaviour is rebuilt. */
  onCrash?: (error: unknown, key: string) => void;
  /** Called once nact has finished stopping the actor (its afterStop turn), after `stopped()`. */
  onStopped?: (key: string) => void;
}

/** Messages handled per drain signal: fairness between actors sharing the event loop. */
const DRAIN_BATCH = 64;

const DRAIN = Symbol('drain');

export class ActorCell<M, R = void> {
  private readonly mailbox: BoundedQueue<Envelope<M, R>>;
  private readonly ref: Ref<typeof DRAIN>;
  private signalled = false;
  private handling = false;
  /** The ask being handled, rejected by `stop()` if its handler has not settled by then. */
  private current: Envelope<M, R> | undefined;
  private stoppedFlag = false;
  /** Epoch ms of the last message taken, for passivation. */
  lastActive = Date.now();

  constructor(
    parent: Ref<unknown>,
    readonly key: string,
    name: string,
    factory: BehaviourFactory<M, R>,
    private readonly options: CellOptions,
  ) {
    this.mailbox = new BoundedQueue(options.capacity);
    this.ref = spawn(
      parent as Ref<never>,
      (behaviour: Behaviour<M, R>) => this.drain(behaviour),
      name,
      {
        initialStateFunc: () => factory(),
        afterStop: (behaviour: Behaviour<M, R> | undefined) => {
          behaviour?.stopped?.();
          options.onStopped?.(key);
        },
        onCrash: (_msg: unknown, _err: unknown, ctx: { reset: symbol }) => ctx.reset,
      } as never,
    ) as Ref<typeof DRAIN>;
  }

  /** Messages accepted and not yet handled. */
  get depth(): number {
    return this.mailbox.length;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  get idle(): boolean {
    return this.mailbox.length === 0 && !this.handling && !this.signalled;
  }

  /** Fire and forget; throws HERALD_MAILBOX_FULL when the mailbox is at capacity. */
  tell(msg: M): void {
    this.admit({ body: msg });
  }

  /** Sends and resolves with the handler's result (or rejects with its error). */
  ask(msg: M): Promise<R> {
    return new Promise<R>((resolve, reject) => this.admit({ body: msg, resolve, reject }));
  }

  /**
   * Stops the nact actor and rejects, with HERALD_ACTOR_STOPPED, the ask being handled (if its
   * handler has not settled yet; a later result is ignored) and every message still queued.
   * Callers remove the cell from their registry first.
   */
  stop(): void {
    if (this.stoppedFlag) return;
    this.stoppedFlag = true;
    stopActor(this.ref);
    if (!this.current && this.mailbox.length === 0) return;
    const stopped = new HeraldError('HERALD_ACTOR_STOPPED', this.key);
    this.current?.reject?.(stopped);
    this.current = undefined;
    for (let envelope = this.mailbox.shift(); envelope; envelope = this.mailbox.shift()) envelope.reject?.(stopped);
  }

  private admit(envelope: Envelope<M, R>): void {
    if (this.stoppedFlag) throw new HeraldError('HERALD_ACTOR_STOPPED', this.key);
    if (!this.mailbox.push(envelope)) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `${this.key} holds ${this.mailbox.length} messages`);
    }
    this.signal();
  }

  private signal(): void {
    if (this.signalled || this.stoppedFlag) return;
    this.signalled = true;
    dispatch(this.ref, DRAIN);
  }

  private async drain(behaviour: Behaviour<M, R>): Promise<Behaviour<M, R>> {
    this.signalled = false;
    this.lastActive = Date.now();
    this.handling = true;
    try {
      for (let n = 0; n < DRAIN_BATCH && !this.stoppedFlag; n++) {
        const envelope = this.mailbox.shift();
        if (!envelope) break;
        this.current = envelope;
        let result: R | Promise<R>;
        try {
          result = behaviour.handle(envelope.body);
          if (result instanceof Promise) result = await result;
        } catch (e) {
          envelope.reject?.(e);
          this.options.onCrash?.(e, this.key);
          throw e; // the supervisor rebuilds the behaviour from persisted state
        }
        envelope.resolve?.(result as R);
      }
    } finally {
      this.current = undefined;
      this.handling = false;
      // Whatever is left (batch limit reached, or a crash) is taken on the next turn.
      if (this.mailbox.length > 0) this.signal();
    }
    return behaviour;
  }
}
