/**
 * Sends Push 2.0 notifications and retries what the push service asks to be retried. The draft's
 * "Transient delivery errors": an error of type `wait` SHOULD be retried with an exponential
 * backoff up to a limit, then the notification discarded; any other type MUST NOT be retried.
 * Retries wait outside the user's actor (its mailbox goes on) and are bounded in number
 * (`xmpp_server.push2.max_pending_retries`); close() drops the ones still waiting.
 */
import { backoffDelayMs, type Backoff } from '../../core/backoff.js';
import type { Logger } from '../../core/log.js';
import type { Push2Notification } from '../../xmpp/push2/push2-types.js';
import { answerWithin, type PublishResult } from '../publisher.js';
import type { XmppServerStats } from '../stats.js';

/** Where notifications go: the App Server of this engine, or a remote push service (a stanza). */
export interface Push2Sender {
  /** The push service's answer: taken, or its refusal. Should not reject (a rejection counts as wait/internal-server-error). */
  send(notification: Push2Notification): Promise<PublishResult>;
}

export interface Push2DeliveryOptions {
  sender: Push2Sender;
  /** `xmpp_server.publish_timeout_ms`: an answer later than this is wait/remote-server-timeout. */
  timeoutMs: number;
  waitRetries: number;
  backoff: Backoff;
  maxPendingRetries: number;
  stats: XmppServerStats;
  /** Fields carry JIDs and conditions, never the client string or payload. */
  log: Logger;
  /** Registers work that close() of the role waits for. */
  track(work: Promise<unknown>): void;
  /** Told the final outcome of each notification (taken, or failed for good), with what `deliver` was given. */
  settled?(origin: Push2Origin, ok: boolean): void;
}

/** Which registration a notification was for: its user, session and enable (the user's actor acts on the outcome). */
export interface Push2Origin {
  user: string;
  session: string;
  createdAt: number;
  /** The registration was marked failing when the notification was built: a success clears the mark. */
  failing: boolean;
}

export class Push2Delivery {
  private readonly retries = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: Push2DeliveryOptions) {}

  /** Sends `notification` for its registration; its outcome is counted, logged and told `settled`, never thrown. */
  deliver(notification: Push2Notification, origin: Push2Origin): void {
    this.attempt(notification, origin, 0);
  }

  /** Notifications waiting for a retry now. */
  get pendingRetries(): number {
    return this.retries.size;
  }

  /** Drops the retries still waiting (counted); sends in flight settle by themselves. */
  close(): void {
    this.closed = true;
    this.options.stats.push2RetriesDropped += this.retries.size;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
  }

  private attempt(notification: Push2Notification, origin: Push2Origin, failures: number): void {
    const { stats } = this.options;
    stats.push2Sent++;
    const sent = answerWithin(() => this.options.sender.send(notification), this.options.timeoutMs).then((result) => this.answered(result, notification, origin, failures));
    this.options.track(sent);
  }

  private answered(result: PublishResult, notification: Push2Notification, origin: Push2Origin, failures: number): void {
    const { stats, log } = this.options;
    if (result.ok) {
      stats.push2Delivered++;
      this.options.settled?.(origin, true);
      return;
    }
    const fields = { user: origin.user, service: notification.to, error: `${result.error.type}/${result.error.condition}`, attempts: failures + 1 };
    if (result.error.type !== 'wait' || failures >= this.options.waitRetries) {
      stats.push2Failed++;
      log.info('xmpp_server.push2_failed', { ...fields, action: result.error.type === 'wait' ? 'dropped after its retries' : 'not retried' });
      this.options.settled?.(origin, false);
      return;
    }
    if (this.closed || this.retries.size >= this.options.maxPendingRetries) {
      stats.push2RetriesDropped++;
      log.debug('xmpp_server.push2_retry_dropped', { ...fields, reason: this.closed ? 'closing' : 'too many retries waiting' });
      return;
    }
    stats.push2Retried++;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.attempt(notification, origin, failures + 1);
    }, backoffDelayMs(this.options.backoff, failures));
    this.retries.add(timer);
  }
}
