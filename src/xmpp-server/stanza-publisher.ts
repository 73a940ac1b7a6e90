/**
 * Publisher towards a remote App Server: sends the XEP-0357 §7 publish IQ over the host's
 * stream (or a XEP-0114 component connection) and turns the reply into a PublishResult.
 * The host feeds every incoming IQ result/error to `tracker.handleResponse`.
 */
import type { Element } from '@xmpp/xml';
import type { IqTracker, SendStanza } from '../xmpp/iq-tracker.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { toStanzaError } from '../xmpp/stanza-error.js';
import { buildPublishStanza } from './publish-stanza.js';
import { type Publisher, type PublishResult } from './publisher.js';

export class StanzaPublisher implements Publisher {
  /**
   * @param tracker correlates the replies; build it with `timeoutMs = publish_timeout_ms` and
   *   `maxOutstanding = max_pending_publishes` (xmpp_server config).
   * @param send writes a stanza to the stream the App Server is reached through.
   */
  constructor(
    readonly tracker: IqTracker,
    private readonly send: SendStanza,
  ) {}

  async publish(publish: PushPublish): Promise<PublishResult> {
    const iq: Element = buildPublishStanza(publish, this.tracker.nextId());
    try {
      await this.tracker.request(iq, this.send);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: toStanzaError(e) };
    }
  }
}
