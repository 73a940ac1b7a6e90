/**
 * Outgoing IQs waiting for their answer (RFC 6120 §8.2.3: every get/set gets exactly one
 * result or error, with the same id, from the entity it was sent to).
 *
 * A response is matched on (id, peer): the peer is the request's `to` and must be the
 * response's `from`, so a third party cannot answer for the App Server by guessing an id.
 * A request without `to` (addressed to the account) matches a response without `from`.
 * Unmatched responses are ignored (`handleResponse` returns false).
 *
 * Bounded: at most `maxOutstanding` requests wait at once; one more is refused at once with
 * HERALD_MAILBOX_FULL rather than queued. Each waits at most `timeoutMs`.
 */
import type { Element } from '@xmpp/xml';
import { randomBytes } from 'node:crypto';
import { HeraldError } from '../core/errors.js';
import { StanzaError } from './stanza-error.js';
import { attr } from './attr.js';

export interface IqTrackerOptions {
  /** How long a request waits for its answer, in ms; then it rejects with HERALD_TIMEOUT. */
  timeoutMs: number;
  /** Most requests awaiting an answer at once; beyond it `request` rejects with HERALD_MAILBOX_FULL. */
  maxOutstanding: number;
  /** The ids' prefix (a shard's names its shard, so its answers find their way back); default random per tracker. */
  idPrefix?: string;
}

interface Pending {
  resolve(result: Element): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

export type SendStanza = (stanza: Element) => void | Promise<void>;

export class IqTracker {
  private readonly pending = new Map<string, Pending>();
  /** Ids are unique per tracker: a random prefix per process plus a counter. */
  private readonly idPrefix: string;
  private sequence = 0;
  private closed = false;

  constructor(private readonly options: IqTrackerOptions) {
    this.idPrefix = options.idPrefix ?? `herald-${randomBytes(4).toString('hex')}-`;
    for (const name of ['timeoutMs', 'maxOutstanding'] as const) {
      if (!Number.isInteger(options[name]) || options[name] <= 0) {
        throw new RangeError(`IqTracker option ${name} must be a positive integer, got ${options[name]}`);
      }
    }
  }

  /** Requests awaiting an answer. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** A fresh id for an outgoing IQ. */
  nextId(): string {
    return this.idPrefix + (this.sequence++).toString(36);
  }

  /**
   * Sends `iq` (an id is set when it has none) and resolves with the `result` IQ; an `error`
   * reply rejects with its StanzaError, silence with HERALD_TIMEOUT, a failing `send` with its
   * error. The IQ must be a get or set.
   */
  request(iq: Element, send: SendStanza): Promise<Element> {
    if (iq.name !== 'iq' || (iq.attrs.type !== 'get' && iq.attrs.type !== 'set')) {
      return Promise.reject(new TypeError('IqTracker.request takes an IQ of type get or set'));
    }
    if (this.closed) return Promise.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'IQ tracker closed'));
    if (this.pending.size >= this.options.maxOutstanding) {
      return Promise.reject(
        new HeraldError('HERALD_MAILBOX_FULL', `${this.pending.size} IQs already await an answer`),
      );
    }
    let id = attr(iq, 'id');
    if (!id) iq.attrs.id = id = this.nextId();
    const key = responseKey(id, attr(iq, 'to'));
    if (this.pending.has(key)) {
      return Promise.reject(new Error(`IQ id ${iq.attrs.id} already awaits an answer from ${iq.attrs.to}`));
    }

    return new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        const detail = `no answer to IQ ${iq.attrs.id} from ${iq.attrs.to} in ${this.options.timeoutMs} ms`;
        reject(new HeraldError('HERALD_TIMEOUT', detail));
      }, this.options.timeoutMs);
      this.pending.set(key, { resolve, reject, timer });
      const fail = (e: unknown) => {
        if (this.settle(key)) reject(e);
      };
      try {
        Promise.resolve(send(iq)).catch(fail);
      } catch (e) {
        fail(e);
      }
    });
  }

  /**
   * Offers an incoming stanza; true when it answered a request of ours (and was consumed).
   * Only IQs of type result or error can answer.
   */
  handleResponse(stanza: Element): boolean {
    if (stanza.name !== 'iq') return false;
    const type = stanza.attrs.type;
    if (type !== 'result' && type !== 'error') return false;
    const id = attr(stanza, 'id');
    if (!id) return false;
    const key = responseKey(id, attr(stanza, 'from'));
    const waiting = this.pending.get(key);
    if (!waiting || !this.settle(key)) return false;
    if (type === 'result') waiting.resolve(stanza);
    else waiting.reject(StanzaError.fromStanza(stanza));
    return true;
  }

  /** Rejects every outstanding request with HERALD_SHUTTING_DOWN and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const [key, waiting] of [...this.pending]) {
      this.settle(key);
      waiting.reject(new HeraldError('HERALD_SHUTTING_DOWN', 'IQ tracker closed'));
    }
  }

  private settle(key: string): boolean {
    const waiting = this.pending.get(key);
    if (!waiting) return false;
    clearTimeout(waiting.timer);
    this.pending.delete(key);
    return true;
  }
}

/**
 * JIDs compare case-insensitively in their local and domain parts (RFC 7622 §3.2, §3.3); the
 * resource is case-sensitive. Lower-casing only what precedes the resource is enough here,
 * where both sides are usually a bare service JID. (Also MessageErrorWatch's key.)
 */
export function responseKey(id: string, peer: string | undefined): string {
  return `${normalisePeer(peer ?? '')}\u0000${id}`;
}

function normalisePeer(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? jid.toLowerCase() : jid.slice(0, slash).toLowerCase() + jid.slice(slash);
}
