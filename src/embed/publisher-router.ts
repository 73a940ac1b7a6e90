/**
 * Where a notification publish goes (XEP-0357 §5): to the App Server role in this engine when
 * the registration names our own pubsub JID — as a value, straight to the node's actor, with
 * no XML serialisation — or out as an IQ stanza through the host for any other App Server.
 */
import type { AppServerRole } from '../app-server/index.js';
import type { Publisher, PublishResult } from '../xmpp-server/publisher.js';
import type { StanzaPublisher } from '../xmpp-server/stanza-publisher.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { toStanzaError } from '../xmpp/stanza-error.js';

export class PublisherRouter implements Publisher {
  constructor(
    private readonly local: AppServerRole,
    private readonly remote: StanzaPublisher,
  ) {}

  async publish(publish: PushPublish): Promise<PublishResult> {
    if (publish.to !== this.local.jid) return this.remote.publish(publish);
    try {
      await this.local.publishLocal(publish);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: toStanzaError(e) };
    }
  }
}
