/**
 * Push 2.0 notifications to a remote push service: the `<message/>` goes out through the host's
 * stream (or the component link) and its error reply, if one comes within
 * `xmpp_server.push2.answer_window_ms`, is the push service's answer; silence is success
 * (a message has no result, RFC 6120 §8.2.1). The host feeds incoming message errors to
 * `watch.handleError`.
 */
import type { Element } from '@xmpp/xml';
import type { MessageErrorWatch } from '../../xmpp/message-error-watch.js';
import { buildPush2Message } from '../../xmpp/push2/notification-builder.js';
import type { Push2Notification } from '../../xmpp/push2/push2-types.js';
import { toStanzaError } from '../../xmpp/stanza-error.js';
import type { PublishResult } from '../publisher.js';
import type { Push2Sender } from './push2-delivery.js';

export class StanzaPush2Sender implements Push2Sender {
  constructor(
    readonly watch: MessageErrorWatch,
    private readonly route: (stanza: Element) => void,
  ) {}

  async send(notification: Push2Notification): Promise<PublishResult> {
    // A fresh id per attempt: a retry's error reply is told from the first one's.
    const message = buildPush2Message({ ...notification, id: this.watch.nextId() });
    try {
      const error = await this.watch.send(message, this.route);
      return error ? { ok: false, error } : { ok: true };
    } catch (e) {
      return { ok: false, error: toStanzaError(e) };
    }
  }
}
