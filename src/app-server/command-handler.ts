/**
 * The XEP-0050 flow of the registration commands (registration-commands.ts):
 *
 *   execute (no form)   → status='executing', a sessionid, <actions execute='complete'>, the form
 *   complete|execute + sessionid + submitted form → status='completed' with the result
 *   cancel + sessionid  → status='canceled'
 *
 * A first `execute` that already carries the submitted form completes at once (what p2's and
 * mod_pushoff's clients send, Conversations among them); so does `unregister-push`, whose form
 * is optional. Every refusal is a StanzaError from ad-hoc.ts (XEP-0050 §4.6).
 */
import type { Element } from '@xmpp/xml';
import { resultReply } from '../xmpp/iq.js';
import { parseJid } from '../xmpp/jid.js';
import { badRequest } from '../xmpp/stanza-error.js';
import { canceledReply, commandErrors, completedReply, executingReply, note, parseCommand, type CommandRequest } from './ad-hoc.js';
import type { CommandSessions } from './command-sessions.js';
import {
  readRegistration,
  readUnregistration,
  registrationForm,
  registrationResult,
  SERVICE_OF,
  UNREGISTER,
  type DeviceRegistration,
  type Unregistration,
} from './registration-commands.js';
import { attr } from '../xmpp/attr.js';

/** What the commands do to nodes (the App Server role implements it with its node actors). */
export interface RegistrationBackend {
  /** Creates or updates the requester's node for this device; resolves with node and secret. */
  register(owner: string, registration: DeviceRegistration): Promise<{ node: string; secret: string }>;
  /** Removes the requester's registrations named; resolves with how many were removed. */
  unregister(owner: string, which: Unregistration): Promise<number>;
}

export class CommandHandler {
  constructor(
    private readonly serviceJid: string,
    private readonly backend: RegistrationBackend,
    private readonly sessions: CommandSessions,
  ) {}

  /** Answers an IQ set carrying `<command/>`; throws StanzaErrors for the caller to answer. */
  async handle(iq: Element, command: Element): Promise<Element> {
    const request = parseCommand(command);
    const from = attr(iq, 'from');
    if (!from) throw badRequest('the request says nothing about who sends it (no from)');
    const requester = parseJid(from);
    const node = request.node;
    if (SERVICE_OF[node] === undefined && node !== UNREGISTER) throw commandErrors.unknownCommand(node);
    // A registration belongs to a user account: its server is what may publish for it.
    if (!requester.local) throw commandErrors.forbidden('push registrations are made by user accounts');
    const owner = requester.bare().toString();

    if (request.action === 'prev' || request.action === 'next') throw commandErrors.badAction(request.action);
    if (request.action === 'cancel') {
      if (!request.sessionid) throw commandErrors.badSessionid();
      this.sessions.check(request.sessionid, node, from);
      this.sessions.end(request.sessionid);
      return resultReply(iq, canceledReply(node, request.sessionid));
    }
    if (request.sessionid) {
      this.sessions.check(request.sessionid, node, from);
      // A bad payload leaves the session open: the requester may submit a corrected form.
      const reply = await this.complete(node, owner, request, request.sessionid);
      this.sessions.end(request.sessionid);
      return resultReply(iq, reply);
    }
    if (request.form === undefined && node !== UNREGISTER) {
      if (request.action === 'complete') throw commandErrors.badPayload('the command needs a submitted form with a token');
      const sessionid = this.sessions.open(node, from);
      return resultReply(iq, executingReply(node, sessionid, registrationForm(SERVICE_OF[node]!)));
    }
    // One-stage execution: the session begins and ends with this request, so nothing is kept.
    return resultReply(iq, await this.complete(node, owner, request, this.sessions.oneShotId()));
  }

  private async complete(node: string, owner: string, request: CommandRequest, sessionid: string): Promise<Element> {
    if (node === UNREGISTER) {
      const removed = await this.backend.unregister(owner, readUnregistration(request.form));
      return completedReply(node, sessionid, note(`Removed ${removed} push registration${removed === 1 ? '' : 's'}.`));
    }
    const registration = readRegistration(request.form, SERVICE_OF[node]!);
    const { node: pushNode, secret } = await this.backend.register(owner, registration);
    return completedReply(node, sessionid, registrationResult(this.serviceJid, pushNode, secret));
  }
}
