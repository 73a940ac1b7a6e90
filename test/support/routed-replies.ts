/**
 * The host side of an engine embedded in a test: the engine routes every stanza it sends through
 * `route`, and `ask` hands it an IQ and resolves with the stanza routed back under the IQ's id.
 */
import type { Element } from '@xmpp/xml';

export class RoutedReplies {
  private readonly waiters = new Map<string, (reply: Element) => void>();

  /** `onRouted` sees every routed stanza, replies included. */
  constructor(private readonly onRouted: (stanza: Element) => void = () => {}) {}

  /** The engine's `host.route`. */
  readonly route = (stanza: Element): void => {
    this.onRouted(stanza);
    const id = stanza.attrs.id as string | undefined;
    const waiter = id === undefined ? undefined : this.waiters.get(id);
    if (waiter === undefined) return;
    this.waiters.delete(id!);
    waiter(stanza);
  };

  async ask(engine: { handleStanza(stanza: Element): Promise<void> }, stanza: Element): Promise<Element> {
    const reply = new Promise<Element>((resolve) => this.waiters.set(stanza.attrs.id as string, resolve));
    await engine.handleStanza(stanza);
    return reply;
  }
}
