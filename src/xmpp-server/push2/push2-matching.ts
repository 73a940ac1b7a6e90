/**
 * Push 2.0 in the user's actor: each registration whose own session is not available is matched
 * against the message by its `<match/>` profiles, filters and grace, and what matched becomes one
 * notification to its push service (draft "Match and send profiles"; mod_push2 behaves alike).
 *
 * - A registration belongs to the session that enabled it (push2-request.ts): while that session
 *   is available it gets the message itself; hibernated (XEP-0198) or gone, it is pushed, whoever
 *   else of the user is online.
 * - `<grace/>`: activity on another of the user's sessions within that many seconds pauses the
 *   match (the user is reading elsewhere). A call is never paused: it must ring.
 */
import type { Logger } from '../../core/log.js';
import { matchesProfile } from '../../xmpp/push2/match.js';
import { isCall, push2Facts, type Push2Facts } from '../../xmpp/push2/message-facts.js';
import { push2Notification } from '../../xmpp/push2/notification-builder.js';
import type { Push2Match, Push2Notification } from '../../xmpp/push2/push2-types.js';
import type { Registration } from '../registration.js';
import type { SessionTable } from '../sessions.js';
import type { XmppServerStats } from '../stats.js';
import type { Push2Offer, Push2Pusher } from './push2-pusher.js';
import type { Push2Origin } from './push2-delivery.js';

export interface Push2MatchingOptions {
  deliver(notification: Push2Notification, origin: Push2Origin): void;
  sessions: Pick<SessionTable, 'stateOfSession' | 'lastActivityElsewhere'>;
  /** Our domain: notifications leave from it. */
  domain: string;
  /** RFC 8292 `sub` of the JWTs (`xmpp_server.push2.contact_uri`, default `xmpp:<domain>`). */
  subject: string;
  stats: XmppServerStats;
  log: Logger;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
}

export class Push2Matching implements Push2Pusher {
  private readonly clock: () => number;

  constructor(private readonly options: Push2MatchingOptions) {
    this.clock = options.clock ?? Date.now;
  }

  push(user: string, registrations: readonly Registration[], offer: Push2Offer): void {
    const now = this.clock();
    let facts: Push2Facts | undefined;
    let ringing: boolean | undefined;
    const recipient = offer.roomNick === undefined ? { user } : { user, nick: offer.roomNick };
    for (const registration of registrations) {
      const config = registration.push2;
      const session = registration.node;
      if (!config) continue;
      // A call rings every device, also one whose session looks available: a dead connection's
      // queue must not hold it (mod_push2 pushes urgent stanzas to every registration). Only
      // that is read of a message to an available session; its other facts only when needed.
      if (this.options.sessions.stateOfSession(user, session) === 'available' && !(ringing ??= isCall(offer.stanza))) continue;
      const known = (facts ??= push2Facts(offer.stanza, user, offer.archived, offer.roomNick));
      const matched = config.matches.filter((match) => matchesProfile(match, known, recipient) && !this.paused(match, known, user, session, now));
      if (matched.length === 0) continue;
      try {
        const archiveId = offer.archiveId === undefined ? undefined : { by: user, id: offer.archiveId };
        // The id is the sender's to set (a remote push service's error reply is matched on it).
        const context = { from: this.options.domain, id: '', subject: this.options.subject, nowS: Math.floor(now / 1_000) };
        const notification = push2Notification(config, matched, offer.stanza, known, archiveId ? { ...context, archiveId } : context);
        if (notification) this.options.deliver(notification, { user, session, createdAt: registration.createdAt, failing: config.failingSince !== undefined });
      } catch (e) {
        // A key that passed the enable's checks and still fails: this registration only.
        this.options.stats.push2Failed++;
        this.options.log.warn('xmpp_server.push2_not_built', { user, service: config.service, reason: (e as Error).message });
      }
    }
  }

  /** `<grace/>`: another session of the user was active within the match's grace seconds. */
  private paused(match: Push2Match, facts: Push2Facts, user: string, session: string, now: number): boolean {
    if (match.graceS === undefined || match.graceS === 0 || facts.call) return false;
    const last = this.options.sessions.lastActivityElsewhere(user, session);
    return last !== undefined && now - last < match.graceS * 1_000;
  }
}
