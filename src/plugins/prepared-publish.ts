/**
 * What plugin hooks answer, checked (pure): a `prepare` answer is then applied to the publish the
 * default built. What each field becomes is in plugin.ts
 * (PreparedNotification): summary fields and publish-options, the two things a XEP-0357 publish
 * carries to the App Server, so a plugin's format reaches a remote App Server as well.
 */
import { truncate } from '../xmpp/truncate.js';
import type { PushPublish, PushSummary } from '../xmpp/push-publish.js';
import { PREPARABLE_OPTIONS, type PreparedNotification } from './plugin.js';

const FIELDS: ReadonlySet<string> = new Set(['title', 'body', 'badge', 'priority', 'pushType', 'publishOptions']);
const OPTIONS: ReadonlySet<string> = new Set(PREPARABLE_OPTIONS);

/** The answer as a PreparedNotification (`undefined`/`null`: nothing to change), or what is wrong with it. */
export function checkPrepared(answer: unknown): { value: PreparedNotification | undefined } | string {
  if (answer === undefined || answer === null) return { value: undefined };
  if (typeof answer !== 'object' || Array.isArray(answer)) return `expected an object or undefined, got ${kindOf(answer)}`;
  const prepared = answer as Record<string, unknown>;
  for (const key of Object.keys(prepared)) if (!FIELDS.has(key)) return `unknown field ${JSON.stringify(key)}`;
  const { title, body, badge, priority, pushType, publishOptions } = prepared;
  if (title !== undefined && typeof title !== 'string') return `title must be a string, got ${kindOf(title)}`;
  if (body !== undefined && typeof body !== 'string') return `body must be a string, got ${kindOf(body)}`;
  if (badge !== undefined && !(Number.isSafeInteger(badge) && (badge as number) >= 0)) return `badge must be a non-negative integer, got ${kindOf(badge)}`;
  if (priority !== undefined && priority !== 'normal' && priority !== 'high') return 'priority must be "normal" or "high"';
  if (pushType !== undefined && pushType !== 'alert' && pushType !== 'silent') return 'pushType must be "alert" or "silent"';
  if (publishOptions !== undefined) {
    if (typeof publishOptions !== 'object' || publishOptions === null || Array.isArray(publishOptions)) return `publishOptions must be an object, got ${kindOf(publishOptions)}`;
    for (const [name, value] of Object.entries(publishOptions)) {
      if (!OPTIONS.has(name)) return `publishOptions.${name} is not one a plugin may set (${PREPARABLE_OPTIONS.join(', ')})`;
      if (value !== undefined && typeof value !== 'string') return `publishOptions.${name} must be a string, got ${kindOf(value)}`;
    }
  }
  return { value: prepared as PreparedNotification };
}

/** `publish` with `prepared` applied: a new summary and publish-options, the rest shared. */
export function applyPrepared(publish: PushPublish, prepared: PreparedNotification, bodyMaxChars: number): PushPublish {
  const summary: PushSummary = { ...publish.summary };
  if (prepared.title !== undefined) summary['last-message-sender'] = prepared.title;
  if (prepared.body !== undefined) summary['last-message-body'] = truncate(prepared.body, bodyMaxChars);
  if (prepared.badge !== undefined) summary['message-count'] = prepared.badge;
  const publishOptions: Record<string, string> = { ...publish.publishOptions };
  for (const [name, value] of Object.entries(prepared.publishOptions ?? {})) if (value !== undefined) publishOptions[name] = value;
  if (prepared.priority !== undefined) publishOptions.priority = prepared.priority;
  if (prepared.pushType !== undefined) publishOptions.silent = prepared.pushType === 'silent' ? 'true' : 'false';
  return { ...publish, summary, publishOptions };
}

/** The answer to a yes/no hook: a boolean, or what it was instead. */
export function checkBoolean(answer: unknown): { value: boolean } | string {
  return typeof answer === 'boolean' ? { value: answer } : `expected true or false, got ${kindOf(answer)}`;
}

/** Notifications answer nothing anyone reads: every answer is fine. */
export function anyAnswer(): { value: true } {
  return { value: true };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  return typeof value === 'string' ? 'a string' : `a value of type ${typeof value}`;
}
