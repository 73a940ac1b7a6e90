/**
 * `component.instances = "one_holds_the_link"`: this instance's component links, joined only
 * while it holds the domain's leadership (link-leadership.ts). Each leadership gets links of its
 * own (a stopped ComponentLink does not start again); while standing by, nothing is joined and
 * what Herald routes is dropped, as a link that is down drops it.
 */
import type { Element } from '@xmpp/xml';
import type { HeraldHost } from '../embed/engine.js';
import type { StanzaSink } from './component-link.js';
import type { ComponentLinks } from './component-links.js';
import { LinkLeadership, type LinkLeadershipOptions } from './link-leadership.js';

export type LeadingLinksOptions = Omit<LinkLeadershipOptions, 'lead' | 'stepDown'> & {
  /** New links to the configured servers (not started). */
  links: () => ComponentLinks;
};

export class LeadingLinks implements HeraldHost {
  readonly leadership: LinkLeadership;
  private sink: StanzaSink | undefined;
  /** The links while leading. */
  private led: ComponentLinks | undefined;

  constructor(private readonly options: LeadingLinksOptions) {
    this.leadership = new LinkLeadership({ ...options, lead: () => this.lead(), stepDown: () => this.stepDown() });
  }

  /** The links of the current leadership; none while standing by. */
  get links(): ComponentLinks | undefined {
    return this.led;
  }

  /** Stands by for the leadership; what the links receive while leading goes to `sink`. */
  start(sink: StanzaSink): void {
    this.sink = sink;
    this.leadership.start();
  }

  route(stanza: Element): void {
    this.led?.route(stanza);
  }

  routeText(text: string): void {
    this.led?.routeText(text);
  }

  /** HeraldHost: /metrics' herald_component_link_held. */
  holdsComponentLink(): boolean {
    return this.leadership.state === 'leader';
  }

  /** Leaves the server, then releases the leadership. */
  stop(): Promise<void> {
    return this.leadership.stop();
  }

  private lead(): void {
    this.led = this.options.links();
    this.led.start(this.sink!);
  }

  /** Fencing: from now on nothing is routed on these links, and they close. */
  private async stepDown(): Promise<void> {
    const led = this.led;
    this.led = undefined;
    await led?.stop();
  }
}
