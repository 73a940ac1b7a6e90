/**
 * `component.instances = "one_holds_the_link"`: this instance's component links, joined only
 * while it holds the domain's leadership (link-leadership.ts). Each leadership gets links of its
 * own (a stopped ComponentLink does not start again); while standing by, nothing is joined and
 * what Herald routes is dropped, as a link that is down drops it: the answer to a request that
 * reached this instance while it led, or a publish to a remote App Server. Each is counted
 * (herald_component_standby_dropped_total) and logged folded.
 */
import type { Element } from '@xmpp/xml';
import { foldRepeats, type FoldingLogger } from '../core/aggregated-log.js';
import { silentLogger } from '../core/log.js';
import type { HeraldHost } from '../embed/engine.js';
import type { ComponentLeadershipFigures } from '../push-service/ops/component-link-metrics.js';
import { readHead } from '../shards/routing-key.js';
import { attr } from '../xmpp/attr.js';
import type { StanzaSink } from './component-link.js';
import type { ComponentLinks } from './component-links.js';
import { LinkLeadership, type LinkLeadershipOptions } from './link-leadership.js';

/**
 * ms over which stanzas dropped for want of a link are folded into one log line: a standby is
 * handed them in bursts (a step-down with requests in flight), and one line with the count says
 * as much as one per stanza.
 */
export const STANDBY_DROPS_LOG_INTERVAL_MS = 60_000;

export type LeadingLinksOptions = Omit<LinkLeadershipOptions, 'lead' | 'stepDown'> & {
  /** New links to the configured servers (not started). */
  links: () => ComponentLinks;
};

export class LeadingLinks implements HeraldHost {
  readonly leadership: LinkLeadership;
  private sink: StanzaSink | undefined;
  /** The links while leading. */
  private led: ComponentLinks | undefined;
  /** Stanzas routed while no link was led. */
  private droppedStandingBy = 0;
  private readonly drops: FoldingLogger;

  constructor(private readonly options: LeadingLinksOptions) {
    this.leadership = new LinkLeadership({ ...options, lead: () => this.lead(), stepDown: () => this.stepDown() });
    this.drops = foldRepeats(options.log ?? silentLogger, STANDBY_DROPS_LOG_INTERVAL_MS);
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
    if (this.led) this.led.route(stanza);
    else this.dropped(stanza.name, attr(stanza, 'type'));
  }

  routeText(text: string): void {
    if (this.led) {
      this.led.routeText(text);
      return;
    }
    const head = readHead(text);
    this.dropped(head?.name, head?.type);
  }

  /** HeraldHost: /metrics' herald_component_link_held and herald_component_standby_dropped_total. */
  componentLeadership(): ComponentLeadershipFigures {
    return { held: this.leadership.state === 'leader', droppedStandingBy: this.droppedStandingBy };
  }

  /** Leaves the server, then releases the leadership; writes the drops not yet logged. */
  async stop(): Promise<void> {
    await this.leadership.stop();
    this.drops.flush();
  }

  private lead(): void {
    this.led = this.options.links();
    this.led.start(this.sink!);
  }

  private dropped(name: string | undefined, type: string | undefined): void {
    this.droppedStandingBy++;
    this.drops.warn('component.standby_dropping', { reason: 'this instance holds no component link (standing by)', state: this.leadership.state, name, type });
  }

  /** Fencing: from now on nothing is routed on these links, and they close. */
  private async stepDown(): Promise<void> {
    const led = this.led;
    this.led = undefined;
    await led?.stop();
  }
}
