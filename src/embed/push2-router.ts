/**
 * Where a Push 2.0 notification goes: to the App Server role in this engine when the client's
 * `<service/>` is our App Server's JID — as a value, no XML — or out as a `<message/>` through the
 * host to any other push service (xmpp-server/push2/stanza-push2-sender.ts).
 */
import type { AppServerRole } from '../app-server/index.js';
import type { PublishResult } from '../xmpp-server/publisher.js';
import type { Push2Sender } from '../xmpp-server/push2/push2-delivery.js';
import type { Push2Notification } from '../xmpp/push2/push2-types.js';
import { toStanzaError } from '../xmpp/stanza-error.js';

export class Push2Router implements Push2Sender {
  constructor(
    private readonly local: AppServerRole,
    private readonly remote: Push2Sender,
  ) {}

  async send(notification: Push2Notification): Promise<PublishResult> {
    // The service JID was normalised when the enable was read; the App Server's is configured lower case.
    if (notification.to.toLowerCase() !== this.local.jid) return this.remote.send(notification);
    try {
      await this.local.deliverPush2(notification);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: toStanzaError(e) };
    }
  }
}
