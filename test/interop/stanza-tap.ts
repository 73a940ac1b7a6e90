/**
 * Sits between the component stream and Herald and keeps what passed: the notification
 * publishes the XMPP server sent, and Herald's answers to them. With it a test can tell what
 * Herald answered a given publish, and whether the server published at all — without sleeping.
 */
import type { InboundStream } from '../../src/xmpp/inbound-stream.js';
import type { Element } from '@xmpp/xml';
import type { StanzaSink } from '../../src/component/index.js';
import { parseStanza } from '../../src/xmpp/parse.js';
import type { HeraldHost } from '../../src/embed/engine.js';
import { eventually } from '../support/eventually.js';

export interface TappedPublish {
  id: string;
  from: string;
  node: string;
  /** The summary's last-message-body (XEP-0357 §7), when there is one. */
  body?: string;
  /** Herald's answer, once routed. */
  answer?: Element;
}

export class StanzaTap {
  readonly publishes: TappedPublish[] = [];
  private readonly byId = new Map<string, TappedPublish>();

  /**
   * Wraps the sink the component link delivers to (Herald). A sink that takes text (a sharded
   * Herald) keeps taking it, so the link frames the stream as it does in production; the tap
   * reads its own copy of each text.
   */
  incoming(sink: StanzaSink): StanzaSink {
    const handleText = sink.handleText?.bind(sink);
    return {
      handleStanza: (stanza) => {
        this.seen(stanza);
        return sink.handleStanza(stanza);
      },
      ...(handleText && {
        handleText: (text: string, stream: InboundStream) => {
          try {
            this.seen(parseStanza(text, { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: 1_000 }));
          } catch {
            // Herald's own parse refuses it (and the link closes the stream): nothing to record.
          }
          return handleText(text, stream);
        },
      }),
    };
  }

  private seen(stanza: Element): void {
    const publishEl = stanza.getChild('pubsub', 'http://jabber.org/protocol/pubsub')?.getChild('publish');
    const node = publishEl?.attrs.node as string | undefined;
    if (stanza.name !== 'iq' || stanza.attrs.type !== 'set' || node === undefined) return;
    const publish: TappedPublish = { id: String(stanza.attrs.id), from: String(stanza.attrs.from), node };
    const summary = publishEl?.getChild('item')?.getChild('notification', 'urn:xmpp:push:0')?.getChild('x', 'jabber:x:data');
    const body = summary?.getChildren('field').find((f) => f.attrs.var === 'last-message-body')?.getChildText('value');
    if (body) publish.body = body;
    this.publishes.push(publish);
    this.byId.set(publish.id, publish);
  }

  /** Wraps the host Herald routes to (the component link). */
  outgoing(host: HeraldHost): HeraldHost {
    return {
      route: (stanza) => {
        const publish = this.byId.get(String(stanza.attrs.id));
        if (publish && stanza.name === 'iq' && (stanza.attrs.type === 'result' || stanza.attrs.type === 'error')) {
          publish.answer = stanza;
        }
        host.route(stanza);
      },
    };
  }

  publishesTo(node: string): TappedPublish[] {
    return this.publishes.filter((p) => p.node === node);
  }

  /** Resolves with the `index`-th publish to `node` (0-based) once Herald has answered it. */
  async answered(node: string, index: number, timeoutMs = 15_000): Promise<TappedPublish> {
    await eventually(() => this.publishesTo(node)[index]?.answer !== undefined, `Herald's answer to publish #${index} on ${node}`, timeoutMs);
    return this.publishesTo(node)[index]!;
  }

  /** Resolves once every publish received so far has its answer (Herald is done with them). */
  settled(timeoutMs = 15_000): Promise<void> {
    return eventually(() => this.publishes.every((p) => p.answer !== undefined), 'answers to every publish', timeoutMs);
  }
}
