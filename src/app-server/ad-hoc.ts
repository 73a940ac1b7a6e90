/**
 * XEP-0050 Ad-Hoc Commands, the wire part (pure): reading a `<command/>` request, building the
 * responder's answers, and the errors of XEP-0050 §4.6 ("Possible Errors"), each with its type,
 * general condition and specific condition (namespace http://jabber.org/protocol/commands).
 */
import xml, { type Element } from '@xmpp/xml';
import { parseDataForm, type DataForm } from '../xmpp/data-form.js';
import { NS } from '../xmpp/namespaces.js';
import { badRequest, StanzaError, type AppCondition } from '../xmpp/stanza-error.js';
import { attr } from '../xmpp/attr.js';

export const NS_COMMANDS = 'http://jabber.org/protocol/commands';

/** XEP-0050 §4.1 `action` values; absent means `execute`. */
export type CommandAction = 'execute' | 'cancel' | 'prev' | 'next' | 'complete';
const ACTIONS: ReadonlySet<string> = new Set<CommandAction>(['execute', 'cancel', 'prev', 'next', 'complete']);

export interface CommandRequest {
  node: string;
  action: CommandAction;
  sessionid?: string;
  /** The data form the requester sent, if any. */
  form?: DataForm;
}

const commandCondition = (name: string): AppCondition => ({ name, xmlns: NS_COMMANDS });

/** XEP-0050 §4.6 errors. */
export const commandErrors = {
  /** "The responding JID does not understand the specified action." */
  malformedAction: () => new StanzaError('bad-request', 'modify', 'unknown action', commandCondition('malformed-action')),
  /** "The responding JID cannot accept the specified action." */
  badAction: (action: string) =>
    new StanzaError('bad-request', 'modify', `action ${action} is not offered at this stage`, commandCondition('bad-action')),
  /** "The responding JID cannot accept the specified payload (e.g. … required fields)." */
  badPayload: (text: string) => new StanzaError('bad-request', 'modify', text, commandCondition('bad-payload')),
  /** "The responding JID cannot accept the specified sessionid." */
  badSessionid: () => new StanzaError('bad-request', 'modify', 'unknown command session', commandCondition('bad-sessionid')),
  /** "…a sessionid that is no longer active (either because it was completed, canceled, or timed out)." */
  sessionExpired: () => new StanzaError('not-allowed', 'cancel', 'the command session has ended', commandCondition('session-expired')),
  /** "The responding JID cannot find the requested command node." */
  unknownCommand: (node: string) => new StanzaError('item-not-found', 'cancel', `no command ${node.slice(0, 64)}`),
  /** "The requesting JID is not allowed to execute the command." */
  forbidden: (text: string) => new StanzaError('forbidden', 'cancel', text),
};

/** Reads `<command xmlns='http://jabber.org/protocol/commands' node action sessionid>`. */
export function parseCommand(command: Element): CommandRequest {
  const node = attr(command, 'node');
  // XEP-0050 §4.1: "The 'node' attribute … MUST be present."
  if (!node) throw badRequest('a command names its node');
  const action = attr(command, 'action') ?? 'execute';
  if (!ACTIONS.has(action)) throw commandErrors.malformedAction();
  const request: CommandRequest = { node, action: action as CommandAction };
  const sessionid = attr(command, 'sessionid');
  if (sessionid) request.sessionid = sessionid;
  const x = command.getChild('x', NS.DATA);
  if (x) {
    try {
      request.form = parseDataForm(x);
    } catch (e) {
      throw commandErrors.badPayload(e instanceof StanzaError && e.text ? e.text : 'the data form cannot be read');
    }
  }
  return request;
}

/** XEP-0050 §3.4: a stage waiting for the requester; `complete` is the only action offered. */
export function executingReply(node: string, sessionid: string, form: Element): Element {
  return xml(
    'command',
    { xmlns: NS_COMMANDS, node, sessionid, status: 'executing' },
    xml('actions', { execute: 'complete' }, xml('complete')),
    form,
  );
}

/** XEP-0050 §3.4: the session ended with a result (a `result` form, a note, or nothing). */
export function completedReply(node: string, sessionid: string, ...children: Element[]): Element {
  return xml('command', { xmlns: NS_COMMANDS, node, sessionid, status: 'completed' }, ...children);
}

/** XEP-0050 §3.4.2 (canceling): the session ended without effect. */
export function canceledReply(node: string, sessionid: string): Element {
  return xml('command', { xmlns: NS_COMMANDS, node, sessionid, status: 'canceled' });
}

/** XEP-0050 §4.5 `<note type='info'>`. */
export function note(text: string): Element {
  return xml('note', { type: 'info' }, text);
}
