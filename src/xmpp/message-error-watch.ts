/**
 * Outgoing messages whose error reply is awaited for a while. A `<message/>` has no result (RFC
 * 6120 §8.2.1): a recipient that cannot take it answers a `<message type='error'/>` with the same
 * id (§8.3.1), and silence means it was taken. So each watch ends with the StanzaError of the
 * reply, or with undefined once `windowMs` passed without one.
 *
 * As IqTracker: a reply is matched on (id, peer), the peer being the message's `to` (a third
 * party cannot answer for the push service by guessing an id); at most `maxOutstanding` watches
 * at once, one more is refused with HERALD_MAILBOX_FULL.
 */
import type { Element } from '@xmpp/xml';
import { randomBytes } from 'node:crypto';
import { HeraldError } from '../core/errors.js';
import { StanzaError } from './stanza-error.js';
import { attr } from './attr.js';
import { responseKey } from './iq-tracker.js';

export interface MessageErrorWatchOptions {
  /** How long an error reply is waited for, ms; silence then counts as taken. */
  windowMs: number;
  maxOutstanding: number;
  /** The ids' prefix (a shard's names its shard, so its error replies find their way back); default random. */
  idPrefix?: string;
}

interface Watch {
  settle(error: StanzaError | undefined): void;
  timer: NodeJS.Timeout;
}

export class MessageErrorWatch {
  private readonly watches = new Map<string, Watch>();
  private readonly idPrefix: string;
  private sequence = 0;
  private closed = false;

  constructor(private readonly options: MessageErrorWatchOptions) {
    this.idPrefix = options.idPrefix ?? `herald-m${randomBytes(4).toString('hex')}-`;
  }

  nextId(): string {
    return this.idPrefix + (this.sequence++).toString(36);
  }

  get outstanding(): number {
    return this.watches.size;
  }

  /**
   * Sends `message` (it must carry `to` and an id of `nextId()`) and resolves with the error its
   * recipient answered, or undefined after the window; rejects when `send` throws or the watch is
   * full or closed.
   */
  send(message: Element, send: (stanza: Element) => void): Promise<StanzaError | undefined> {
    if (this.closed) return Promise.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'message watch closed'));
    if (this.watches.size >= this.options.maxOutstanding) {
      return Promise.reject(new HeraldError('HERALD_MAILBOX_FULL', `${this.watches.size} messages already await a possible error`));
    }
    const key = responseKey(attr(message, 'id') ?? '', attr(message, 'to'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.end(key)?.settle(undefined), this.options.windowMs);
      this.watches.set(key, { settle: resolve, timer });
      try {
        send(message);
      } catch (e) {
        this.end(key);
        reject(e);
      }
    });
  }

  /** Offers an incoming stanza; true when it was the error reply to a watched message (and was consumed). */
  handleError(stanza: Element): boolean {
    if (stanza.name !== 'message' || stanza.attrs.type !== 'error') return false;
    const id = attr(stanza, 'id');
    if (!id) return false;
    const watch = this.end(responseKey(id, attr(stanza, 'from')));
    watch?.settle(StanzaError.fromStanza(stanza));
    return watch !== undefined;
  }

  /** Ends every watch as silent (the messages left; no reply will be read) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const key of [...this.watches.keys()]) this.end(key)?.settle(undefined);
  }

  private end(key: string): Watch | undefined {
    const watch = this.watches.get(key);
    if (!watch) return undefined;
    clearTimeout(watch.timer);
    this.watches.delete(key);
    return watch;
  }
}
