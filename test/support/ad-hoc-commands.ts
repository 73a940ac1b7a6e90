/** XEP-0050 ad-hoc commands as tests read them, with no test-runner import (benches use it too). */
import type { Element } from '@xmpp/xml';

export const NS_COMMANDS = 'http://jabber.org/protocol/commands';

/** The value of a field of the form inside a command reply. */
export function commandField(reply: Element, name: string): string | undefined {
  const x = reply.getChild('command', NS_COMMANDS)?.getChild('x', 'jabber:x:data');
  return x?.getChildren('field').find((f) => f.attrs.var === name)?.getChildText('value') ?? undefined;
}
