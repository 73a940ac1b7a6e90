/**
 * Web Push senders: one SenderGroup (actors + persistent HTTP/2 connections) per push-service
 * origin, made on a push's first request to that origin — subscriptions name their push service
 * (FCM, Mozilla autopush, Apple, Microsoft), so there is no endpoint to configure. At most
 * `maxOrigins` groups are open: past that the least recently used one is closed (its accepted
 * pushes finish first), so endpoints sent by clients cannot make Herald hold unbounded connections.
 * Every group shares one retry budget and one set of counters: Web Push is one service to metrics.
 */
import { HeraldError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Ref } from 'nact';
import type { PoolSenders, SendersStats } from '../pools/push-pool.js';
import type { PushOutcome } from '../notification.js';
import { SendCounters } from '../ops/send-counters.js';
import { closeGraceMs, retryPolicyFor } from '../http2/retry-config.js';
import type { RetryPolicy } from '../http2/retry-policy.js';
import { SenderGroup, type TransportSettings } from '../http2/sender-group.js';
import { WEBPUSH_ANSWERS } from './answer-reader.js';
import type { WebPushRequest } from './request.js';
import { WebPushSenderProvider } from './sender-provider.js';
import type { VapidAuthorizations } from './vapid.js';

export interface OriginSendersOptions {
  /** Connections per origin. */
  connections: number;
  maxOrigins: number;
  transport: TransportSettings;
  /** Extra CA (PEM) to trust for push services (the simulator's). */
  ca?: string;
  vapid: VapidAuthorizations;
  parent: Ref<unknown>;
  /** Per sender (config `actors.sender_mailbox_capacity`). */
  mailboxCapacity: number;
  random?: () => number;
  log?: Logger;
}

export class OriginSenders implements PoolSenders<WebPushRequest> {
  /** Map order is recency order: a group used is moved last, the first is the one to close. */
  private readonly groups = new Map<string, SenderGroup<WebPushRequest>>();
  /** Groups closed for room, still finishing their pushes: pool close() waits for them. */
  private readonly closingGroups = new Set<Promise<void>>();
  private readonly shared: { counters: SendCounters; retryPolicy: RetryPolicy };
  private closing: Promise<void> | undefined = undefined;

  constructor(private readonly options: OriginSendersOptions) {
    this.shared = { counters: new SendCounters(), retryPolicy: retryPolicyFor(options.transport, options.random) };
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Origins with an open sender group, least recently used first. */
  get origins(): string[] {
    return [...this.groups.keys()];
  }

  submit(request: WebPushRequest): Promise<PushOutcome> {
    if (this.closing !== undefined) throw new HeraldError('HERALD_SHUTTING_DOWN', 'the Web Push senders are closed');
    return this.groupFor(request.origin).submit(request);
  }

  private groupFor(origin: string): SenderGroup<WebPushRequest> {
    let group = this.groups.get(origin);
    if (group !== undefined) {
      this.groups.delete(origin); // re-inserted last: the most recently used
    } else {
      if (this.groups.size >= this.options.maxOrigins) this.closeLeastRecentlyUsed();
      const o = this.options;
      group = new SenderGroup<WebPushRequest>({
        label: 'WebPush',
        pool: { endpoint: origin, ca: o.ca, connections: o.connections, transport: o.transport },
        parent: o.parent,
        mailboxCapacity: o.mailboxCapacity,
        answers: WEBPUSH_ANSWERS,
        provider: new WebPushSenderProvider(origin, o.vapid),
        random: o.random,
        log: o.log,
        shared: this.shared,
      });
    }
    this.groups.set(origin, group);
    return group;
  }

  private closeLeastRecentlyUsed(): void {
    const [origin, group] = this.groups.entries().next().value!;
    this.groups.delete(origin);
    const closing = group.close().finally(() => this.closingGroups.delete(closing));
    this.closingGroups.add(closing);
  }

  stats(): SendersStats {
    const all = [...this.groups.values()].map((g) => g.stats());
    return {
      inFlight: sum(all, (s) => s.inFlight),
      queued: sum(all, (s) => s.queued),
      outstanding: sum(all, (s) => s.outstanding),
      senders: all.flatMap((s) => s.senders),
      counters: this.shared.counters.snapshot(),
      retryBudgetExhausted: this.shared.retryPolicy.budget.exhausted,
    };
  }

  close(graceMs: number = closeGraceMs(this.options.transport)): Promise<void> {
    this.closing ??= Promise.all([...[...this.groups.values()].map((g) => g.close(graceMs)), ...this.closingGroups]).then(() => undefined);
    return this.closing;
  }
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}
