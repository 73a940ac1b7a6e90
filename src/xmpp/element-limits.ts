/**
 * The stanza limits for an element built by a host (the embedding API takes Elements as well as
 * text): checked before anything walks the tree, with an explicit stack, so that a tree of any
 * depth (or with a cycle) is refused instead of overflowing the call stack of a recursive walk
 * (ltx's `toString()`, `getNS()` up the parents, a logger).
 */
import type { Element } from '@xmpp/xml';
import { headElement, StanzaOverLimit, type StanzaLimits } from './stanza-limits.js';

/** The shortest an element can be written (`<a/>`): more elements than maxBytes / this cannot fit. */
const MIN_ELEMENT_BYTES = 4;

/**
 * Throws StanzaOverLimit('depth') when `stanza` has elements more than `maxDepth` levels below
 * it, or more than `maxDepth` ancestors (ltx resolves namespaces by walking up the parents; an
 * element read from a stream has one, the stream header); StanzaOverLimit('bytes') when it holds
 * more elements than `maxBytes` could (which also bounds the walk over a tree sharing subtrees).
 * The size itself is not measured: that would mean serialising what the host built.
 */
export function checkElementLimits(stanza: Element, { maxBytes, maxDepth }: StanzaLimits): void {
  let ancestors = 0;
  for (let parent = stanza.parent; parent; parent = parent.parent) {
    if (++ancestors > maxDepth) throw new StanzaOverLimit('depth', maxDepth, headElement(stanza));
  }
  let budget = Math.floor(maxBytes / MIN_ELEMENT_BYTES) - 1;
  const pending: Array<{ element: Element; depth: number }> = [{ element: stanza, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const child of next.element.children) {
      if (typeof child !== 'object' || child === null) continue;
      if (next.depth + 1 > maxDepth) throw new StanzaOverLimit('depth', maxDepth, headElement(stanza));
      if (--budget < 0) throw new StanzaOverLimit('bytes', maxBytes, headElement(stanza));
      pending.push({ element: child, depth: next.depth + 1 });
    }
  }
}
