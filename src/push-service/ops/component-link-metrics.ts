/**
 * `herald_component_link_held` in `GET /metrics`, for an instance that joins its XMPP server only
 * while it holds the domain's leadership (`component.instances = "one_holds_the_link"`): 1 on
 * the instance holding the link, 0 on the ones standing by. Summed over the instances it is 1
 * in a healthy deployment; 0 for long means no instance serves the server's users.
 */
import { Gauge, type Registry } from 'prom-client';

export class ComponentLinkFamily {
  private readonly held: Gauge;

  constructor(registry: Registry) {
    this.held = new Gauge({
      name: 'herald_component_link_held',
      help: 'component.instances = "one_holds_the_link": 1 while this instance holds the component link, 0 while it stands by.',
      registers: [registry],
    });
  }

  record(held: boolean): void {
    this.held.set(held ? 1 : 0);
  }
}
