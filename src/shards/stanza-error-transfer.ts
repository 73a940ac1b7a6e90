/**
 * StanzaErrors and handleStanza failures across threads. Structured cloning keeps an Error's
 * message but not its class or fields, and callers test both (`instanceof StanzaError`, the
 * HeraldError code, an XmlViolation's condition), so they cross as plain data and are rebuilt.
 */
import { HeraldError, isHeraldError, type ErrorCode } from '../core/errors.js';
import { StanzaError, type AppCondition, type StanzaErrorCondition, type StanzaErrorType } from '../xmpp/stanza-error.js';
import { XmlViolation, type XmlViolationCondition } from '../xmpp/xml-violation.js';

/** A rejection of `handleStanza` crossing threads: the HeraldError code stays what callers test. */
export interface TransferredFailure {
  /** The HeraldError code; undefined for anything else (a bug), re-thrown as a plain Error. */
  code: string | undefined;
  detail: string | undefined;
  /** An XmlViolation's stream error condition (component/stream-errors.ts reads it). */
  condition?: string;
}

export interface SerializedStanzaError {
  condition: StanzaErrorCondition;
  type: StanzaErrorType;
  text?: string;
  appCondition?: AppCondition;
}

/** A StanzaError as data; anything else (a bug on the other side) as internal-server-error. */
export function serializeStanzaError(e: unknown): SerializedStanzaError {
  if (e instanceof StanzaError) return { condition: e.condition, type: e.type, text: e.text, appCondition: e.appCondition };
  return { condition: 'internal-server-error', type: 'wait', text: 'the push node\'s shard failed' };
}

export function rebuildStanzaError(e: SerializedStanzaError): StanzaError {
  return new StanzaError(e.condition, e.type, e.text, e.appCondition);
}

export function serializeFailure(e: unknown): TransferredFailure {
  if (e instanceof XmlViolation) return { code: e.code, detail: e.detail, condition: e.condition };
  if (isHeraldError(e)) return { code: e.code, detail: e.detail };
  return { code: undefined, detail: e instanceof Error ? e.message : String(e) };
}

export function rebuildFailure(f: TransferredFailure): Error {
  if (f.condition) return new XmlViolation(f.condition as XmlViolationCondition, f.detail ?? '');
  if (f.code) return new HeraldError(f.code as ErrorCode, f.detail);
  return new Error(f.detail);
}
