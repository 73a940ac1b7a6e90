/**
 * A nact actor behind a bounded mailbox.
 *
 * nact mailboxes are unbounded denques, so the bound is kept here: `pending` counts messages
 * accepted but not yet taken by the behaviour. A send to a full mailbox throws
 * `HERALD_MAILBOX_FULL` at once; nothing is queued beyond `capacity`.
 *
 * The actor's state is a Behaviour object made by a factory. When a message handler throws,
 * the asker gets the error, and the supervisor (nact `reset`) builds a fresh Behaviour from the
 * factory, i.e. from the persisted state: a crash never leaves half-updated state in memory.
 */
import { dispatch, spawn, stop as stopActor, type Ref } from 'nact';
import { HeraldError } from '../core/errors.js';

export interface Behaviour<M, R = void> {
  /** Handles one message; nact does not deliver the next one until this settles. */
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
}

export class ActorCell<M, R = void> {
  private pending = 0;
  private handling = false;
  private readonly ref: Ref<Envelope<M, R>>;
  /** Epoch ms of the last message taken, for passivation. */
  lastActive = Date.now();
  private stoppedFlag = false;

  constructor(
    parent: Ref<unknown>,
    readonly key: string,
    name: string,
    factory: BehaviourFactory<M, R>,
    private readonly options: CellOptions,
  ) {
    this.ref = spawn(
      parent as Ref<never>,
      async (behaviour: Behaviour<M, R>, env: Envelope<M, R>) => {
        this.pending--;
        this.lastActive = Date.now();
        this.handling = true;
        try {
          const result = await behaviour.handle(env.body);
          env.resolve?.(result);
        } catch (e) {
          env.reject?.(e);
          options.onCrash?.(e, key);
          throw e; // let the supervisor rebuild the behaviour from persisted state
        } finally {
          this.handling = false;
        }
        return behaviour;
      },
      name,
      {
        initialStateFunc: () => factory(),
        afterStop: (behaviour: Behaviour<M, R> | undefined) => behaviour?.stopped?.(),
        onCrash: (_msg: unknown, _err: unknown, ctx: { reset: symbol }) => ctx.reset,
      } as never,
    ) as Ref<Envelope<M, R>>;
  }

  /** Messages accepted and not yet handled. */
  get depth(): number {
    return this.pending;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  get idle(): boolean {
    return this.pending === 0 && !this.handling;
  }

  /** Fire and forget; throws HERALD_MAILBOX_FULL when the mailbox is at capacity. */
  tell(msg: M): void {
    this.admit();
    dispatch(this.ref, { body: msg });
  }

  /** Sends and resolves with the handler's result (or rejects with its error). */
  ask(msg: M): Promise<R> {
    this.admit();
    return new Promise<R>((resolve, reject) => {
      dispatch(this.ref, { body: msg, resolve, reject });
    });
  }

  /** Stops the nact actor. Callers remove the cell from their registry first. */
  stop(): void {
    if (this.stoppedFlag) return;
    this.stoppedFlag = true;
    stopActor(this.ref);
  }

  private admit(): void {
    if (this.stoppedFlag) throw new HeraldError('HERALD_ACTOR_STOPPED', this.key);
    if (this.pending >= this.options.capacity) {
      throw new HeraldError('HERALD_MAILBOX_FULL', `${this.key} holds ${this.pending} messages`);
    }
    this.pending++;
  }
}
