/**
 * One attribute of an element, as text. ltx types attributes as `any`: a parsed stanza holds
 * strings, but an element a host built may hold numbers or anything else. Numbers and booleans
 * read as the text ltx would write for them; anything else reads as absent, never cast.
 */
import type { Element } from '@xmpp/xml';

export function attr(element: Element | undefined, name: string): string | undefined {
  const value: unknown = element?.attrs[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
