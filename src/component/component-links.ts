/**
 * Herald joined to several XMPP servers under the same component domain (each server routes its
 * users' stanzas for that domain to its own link). Answers and notices must leave on the link of
 * the server that hosts their addressee: a server only delivers to its own domains (XEP-0114
 * components have no s2s of their own). Which link serves which domain is learnt from what each
 * server sends (the `from` of a publish is the server's domain or one of its users), so nothing
 * has to be configured per domain; an addressee of no known domain goes out on the first link.
 */
import type { InboundStream } from '../xmpp/inbound-stream.js';
import type { Element } from '@xmpp/xml';
import type { HeraldHost } from '../embed/engine.js';
import { readHead } from '../shards/routing-key.js';
import type { ComponentLink, StanzaSink } from './component-link.js';
import { attr } from '../xmpp/attr.js';

/**
 * Domains remembered. A server sends from its own domains only (it stamps `from`), so the map
 * holds the domains of the joined servers; the cap bounds it even if one misbehaves.
 */
export const MAX_KNOWN_DOMAINS = 10_000;

export class ComponentLinks implements HeraldHost {
  private readonly byDomain = new Map<string, ComponentLink>();

  constructor(readonly links: readonly ComponentLink[]) {
    if (links.length === 0) throw new Error('ComponentLinks: no link');
  }

  /** Starts every link; what each receives goes to `sink`, and teaches where its sender's domain lives. */
  start(sink: StanzaSink): void {
    const handleText = sink.handleText?.bind(sink);
    for (const link of this.links) {
      link.start({
        handleStanza: (stanza) => {
          this.learn(attr(stanza, 'from'), link);
          return sink.handleStanza(stanza);
        },
        // A framed stanza's `from` is read from its start tag (the sink parses the rest).
        ...(handleText && {
          handleText: (text: string, stream: InboundStream) => {
            this.learn(readHead(text)?.from, link);
            return handleText(text, stream);
          },
        }),
      });
    }
  }

  /** HeraldHost: on the link of the addressee's server. */
  route(stanza: Element): void {
    const domain = domainOf(attr(stanza, 'to'));
    (this.byDomain.get(domain) ?? this.links[0]!).route(stanza);
  }

  /** HeraldHost: a stanza a shard wrote, on the link of its addressee's server. */
  routeText(text: string): void {
    const domain = domainOf(readHead(text)?.to);
    (this.byDomain.get(domain) ?? this.links[0]!).routeText(text);
  }

  /** The link that last brought a stanza from `domain`, if any. */
  linkFor(domain: string): ComponentLink | undefined {
    return this.byDomain.get(domain.toLowerCase());
  }

  async stop(): Promise<void> {
    await Promise.all(this.links.map((link) => link.stop()));
  }

  private learn(from: string | undefined, link: ComponentLink): void {
    const domain = domainOf(from);
    if (domain === '' || this.byDomain.get(domain) === link) return;
    if (!this.byDomain.has(domain) && this.byDomain.size >= MAX_KNOWN_DOMAINS) return;
    this.byDomain.set(domain, link);
  }
}

/** RFC 7622 §3.2: the domainpart, lowercased ('' for none). */
function domainOf(jid: string | undefined): string {
  if (jid === undefined) return '';
  const at = jid.indexOf('@');
  const slash = jid.indexOf('/', at + 1);
  return jid.slice(at + 1, slash < 0 ? undefined : slash).toLowerCase();
}
