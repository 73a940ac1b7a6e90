/**
 * The `herald_component_*` families in `GET /metrics`, for an instance that joins its XMPP server
 * only while it holds the domain's leadership (`component.instances = "one_holds_the_link"`):
 *   - `herald_component_link_held`: 1 on the instance holding the link, 0 on the ones standing
 *     by. Summed over the instances it is 1 in a healthy deployment; 0 for long means no instance
 *     serves the server's users.
 *   - `herald_component_standby_dropped_total`: stanzas Herald routed while this instance had no
 *     link to send them on (standing by, or stepping down after losing the leadership): the
 *     answer to a request that reached it while it led, or a publish to a remote App Server.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** What a leading host reports (HeraldHost.componentLeadership). */
export interface ComponentLeadershipFigures {
  /** Whether this instance holds the component link. */
  held: boolean;
  /** Stanzas dropped so far because this instance held no link. */
  droppedStandingBy: number;
}

export class ComponentLinkFamily {
  private readonly held: Gauge;
  private readonly droppedStandingBy: Counter;

  constructor(registry: Registry) {
    this.held = new Gauge({
      name: 'herald_component_link_held',
      help: 'component.instances = "one_holds_the_link": 1 while this instance holds the component link, 0 while it stands by.',
      registers: [registry],
    });
    this.droppedStandingBy = new Counter({
      name: 'herald_component_standby_dropped_total',
      help: 'component.instances = "one_holds_the_link": stanzas Herald routed while this instance held no link (standing by or stepping down), dropped.',
      registers: [registry],
    });
  }

  record(figures: ComponentLeadershipFigures): void {
    this.held.set(figures.held ? 1 : 0);
    this.droppedStandingBy.inc(figures.droppedStandingBy);
  }
}
