/**
 * XEP-0357 §7 summary form (FORM_TYPE `urn:xmpp:push:summary`) inside `<notification/>`.
 *
 * Servers differ (see the reference's "What it actually publishes"): MongooseIM and ejabberd
 * send `type='submit'`, Prosody `type='form'` with empty fields (`<field var='…'/>`) and a
 * placeholder body; ejabberd sends only a body. An empty field is an absent field.
 * Herald's own XMPP Server role marks a call with CALL_SUMMARY_FIELD (see push-publish.ts).
 */
import type { Element } from '@xmpp/xml';
import { parseDataForm, singleValue, type DataForm } from '../xmpp/data-form.js';
import { NS } from '../xmpp/namespaces.js';
import { CALL_SUMMARY_FIELD, type PushSummary } from '../xmpp/push-publish.js';
import { badRequest } from '../xmpp/stanza-error.js';

/** Form types a summary may carry: XEP-0357 §7 shows `submit`, Prosody sends `form`. */
const SUMMARY_FORM_TYPES: ReadonlySet<string> = new Set(['submit', 'form']);
/** Counts beyond this are nonsense for a badge; nine digits also keeps the cast exact. */
const MAX_COUNT_DIGITS = 9;
const COUNT = new RegExp(`^\\d{1,${MAX_COUNT_DIGITS}}$`);
/** A JMI session id is a short random string (XEP-0353); a longer one is cut, not refused. */
const MAX_CALL_ID_CHARS = 128;

/** The summary of a `<notification xmlns='urn:xmpp:push:0'/>`; no summary form = empty summary. */
export function parseSummary(notification: Element): PushSummary {
  const form = findForm(notification);
  const summary: PushSummary = {};
  if (!form) return summary;
  if (!SUMMARY_FORM_TYPES.has(form.type)) throw badRequest(`a summary form of type ${form.type.slice(0, 16)}`);
  const messageCount = readCount(form, 'message-count');
  if (messageCount !== undefined) summary['message-count'] = messageCount;
  const pending = readCount(form, 'pending-subscription-count');
  if (pending !== undefined) summary['pending-subscription-count'] = pending;
  const sender = nonEmpty(singleValue(form, 'last-message-sender'));
  if (sender !== undefined) summary['last-message-sender'] = sender;
  const body = nonEmpty(singleValue(form, 'last-message-body'));
  if (body !== undefined) summary['last-message-body'] = body;
  const call = nonEmpty(singleValue(form, CALL_SUMMARY_FIELD));
  if (call !== undefined) summary.call = call.slice(0, MAX_CALL_ID_CHARS);
  return summary;
}

/** XEP-0068: the form is recognised by its FORM_TYPE; other forms (extensions) are ignored. */
function findForm(notification: Element): DataForm | undefined {
  for (const x of notification.getChildren('x', NS.DATA)) {
    const form = parseDataForm(x);
    if (form.formType === NS.PUSH_SUMMARY) return form;
  }
  return undefined;
}

/**
 * A count that is not a small non-negative integer is dropped rather than refused: any
 * non-`wait` error makes ejabberd delete the registration, and a push without a badge is
 * better than no pushes at all.
 */
function readCount(form: DataForm, name: string): number | undefined {
  const text = nonEmpty(singleValue(form, name))?.trim();
  if (text === undefined || !COUNT.test(text)) return undefined;
  return Number(text);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
