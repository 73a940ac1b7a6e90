/**
 * The plaintext of the `sce+rfc8291+rfc8292` send profile (Push 2.0 draft): the stanza, in the
 * client namespace, forwarded (XEP-0297) inside an XEP-0420 envelope, trimmed to the bound of
 * envelope-bound.ts, with random padding:
 *
 *   <envelope xmlns='urn:xmpp:sce:1'>
 *     <content><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' …/></forwarded></content>
 *     <rpad>random base64</rpad>
 *   </envelope>
 */
import { randomBytes, randomInt } from 'node:crypto';
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../namespaces.js';
import { MAX_ENVELOPE_BYTES, MAX_RPAD_OCTETS } from './envelope-bound.js';
import { fitStanza } from './envelope-trim.js';
import { MESSAGE_NS } from './message-namespaces.js';
import { ownStanzaId } from './message-facts.js';
import { PUSH2_NS } from './push2-types.js';

/** An archive id the host gave for a stanza it stored without stamping it (XEP-0359 §3). */
export interface ArchiveStamp {
  /** The user's bare JID (the archive's owner). */
  by: string;
  id: string;
}

export interface EnvelopeOptions {
  /** Added as `<stanza-id/>` when the stanza carries none by `archive.by`. */
  archive?: ArchiveStamp;
  /** Random octets of `<rpad/>`; default random in [0, MAX_RPAD_OCTETS] (tests fix it). */
  rpadOctets?: number;
}

/** The UTF-8 bytes to encrypt. Never over MAX_ENVELOPE_BYTES unless the stanza's own attributes are (JIDs of 3 KB). */
export function push2Envelope(stanza: Element, options: EnvelopeOptions = {}): Buffer {
  const message = forwardedCopy(stanza, options.archive);
  const fitted = fitStanza(message, (m) => byteLength(envelopeOf(m)), MAX_ENVELOPE_BYTES);
  const envelope = envelopeOf(fitted);
  const room = MAX_ENVELOPE_BYTES - byteLength(envelope) - '<rpad></rpad>'.length;
  const octets = Math.min(options.rpadOctets ?? randomInt(MAX_RPAD_OCTETS + 1), Math.floor(room / 4) * 3);
  if (octets > 0) envelope.append(xml('rpad', {}, randomBytes(octets).toString('base64')));
  return Buffer.from(envelope.toString(), 'utf8');
}

function envelopeOf(message: Element): Element {
  return xml('envelope', { xmlns: PUSH2_NS.SCE }, xml('content', {}, xml('forwarded', { xmlns: PUSH2_NS.FORWARD }, message)));
}

/** A deep copy in jabber:client (a component receives jabber:component:accept), the caller's stanza left untouched. */
function forwardedCopy(stanza: Element, archive: ArchiveStamp | undefined): Element {
  const message = copy(stanza);
  message.attrs.xmlns = NS.CLIENT;
  if (archive && ownStanzaId(stanza, archive.by) === undefined) {
    message.append(xml('stanza-id', { xmlns: MESSAGE_NS.SID, by: archive.by, id: archive.id }));
  }
  return message;
}

function copy(element: Element): Element {
  const children = element.children.map((child) => (typeof child === 'string' ? child : copy(child as Element)));
  return xml(element.name, element.attrs, ...children);
}

const byteLength = (element: Element) => Buffer.byteLength(element.toString(), 'utf8');
