/**
 * The XEP-0357 §7 summary (FORM_TYPE urn:xmpp:push:summary) of one pushed message (pure).
 * `message-count` is the number of messages pushed since the user was last online (the user
 * actor keeps it); sender and body are sent only when configured (privacy: off keeps them away
 * from the App Server and from Apple/Google).
 */
import type { PushSummary } from '../xmpp/push-publish.js';
import { truncate } from '../xmpp/truncate.js';

export interface SummaryOptions {
  includeSender: boolean;
  includeBody: boolean;
  /** Longest body sent, in code points; longer bodies are cut and end with '…'. */
  bodyMaxChars: number;
}

export interface PushedMessage {
  /** Full JID of the sender (`from`), if it had a valid one. */
  sender?: string;
  /** Absent for a call proposed without a body. */
  body?: string;
  /** XEP-0353 propose id of a call; carried as the summary's CALL_SUMMARY_FIELD. */
  call?: string;
  /** A `type='groupchat'` message (the encrypted payload's `type`, sealed-summary.ts). */
  groupchat?: boolean;
}

export function buildSummary(messageCount: number, message: PushedMessage, options: SummaryOptions): PushSummary {
  const summary: PushSummary = { 'message-count': messageCount };
  if (options.includeSender && message.sender) summary['last-message-sender'] = message.sender;
  if (options.includeBody && message.body !== undefined) summary['last-message-body'] = truncate(message.body, options.bodyMaxChars);
  if (message.call !== undefined) summary.call = message.call;
  return summary;
}
