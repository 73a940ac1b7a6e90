/**
 * What the user actor hands Push 2.0: the message, and the user's Push 2.0 registrations to
 * match it against. Implemented by Push2Matching (push2-matching.ts).
 */
import type { Element } from '@xmpp/xml';
import type { Registration } from '../registration.js';

/** A message offered to the user's Push 2.0 registrations. */
export interface Push2Offer {
  stanza: Element;
  /** Whether the host archived it (XEP-0313); undefined: judged by its `<stanza-id/>` (XEP-0359). */
  archived?: boolean;
  /** The archive id the host gave it, when the stanza carries none: kept in the encrypted envelope as `<stanza-id/>`. */
  archiveId?: string;
  /** The recipient's nick in the room of a groupchat message (MessageContext.roomNick). */
  roomNick?: string;
}

export interface Push2Pusher {
  /** Matches the offer against each registration and sends what matched; never throws. */
  push(user: string, registrations: readonly Registration[], offer: Push2Offer): void;
}
