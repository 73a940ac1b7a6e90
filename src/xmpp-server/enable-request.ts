/**
 * XEP-0357 §5 "Enabling Notifications": reads an `<enable/>` IQ into a registration request.
 *
 *   <iq type='set'><enable xmlns='urn:xmpp:push:0' jid='pubsub.example.net' node='…'>
 *     <x xmlns='jabber:x:data' type='submit'> FORM_TYPE pubsub#publish-options + fields </x>
 *   </enable></iq>
 */
import type { Element } from '@xmpp/xml';
import { parseDataForm, singleValues } from '../xmpp/data-form.js';
import { NS } from '../xmpp/namespaces.js';
import { parseEncrypt, type PushEncryption } from '../xmpp/push-encryption.js';
import type { Push2Config } from '../xmpp/push2/push2-types.js';
import { badRequest } from '../xmpp/stanza-error.js';
import { RESERVED_OPTIONS } from './stored-extensions.js';
import { checkKeyLength, checkPushIq, nodeAttr } from './push-iq.js';

export interface EnableRequest {
  /** Bare JID of the user enabling push. */
  user: string;
  pubsubJid: string;
  node: string;
  /** Single-valued publish-options fields (FORM_TYPE excluded); `{}` when no form was sent. */
  publishOptions: Record<string, string>;
  /** Tigase `<encrypt xmlns='tigase:push:encrypt:0'/>` (push-encryption.ts); absent = publish in clear. */
  encryption?: PushEncryption;
  /** A Push 2.0 enable (push2/push2-request.ts): `pubsubJid` is PUSH2_SCOPE, `node` the session. */
  push2?: Push2Config;
}

/** Throws the StanzaError to answer with; see `checkPushIq` for the shared rules. */
export function parseEnableRequest(iq: Element): EnableRequest {
  const { user, payload, pubsubJid } = checkPushIq(iq, 'enable');

  // XEP-0357 §5 schema: node is required (MongooseIM and ejabberd refuse an enable without it).
  const node = nodeAttr(payload);
  if (!node) throw badRequest('<enable/> needs a node attribute');
  checkKeyLength(user, pubsubJid, node);

  const request: EnableRequest = { user, pubsubJid, node, publishOptions: readPublishOptions(payload) };
  const encryption = parseEncrypt(payload);
  if (encryption) request.encryption = encryption;
  return request;
}

/**
 * XEP-0357 §5: the optional form is a `submit` form whose FORM_TYPE is
 * `http://jabber.org/protocol/pubsub#publish-options`; every field carries one value.
 */
function readPublishOptions(enable: Element): Record<string, string> {
  const forms = enable.getChildren('x', NS.DATA);
  if (forms.length === 0) return {};
  if (forms.length > 1) throw badRequest('<enable/> carries at most one data form');
  const form = parseDataForm(forms[0]!);
  if (form.type !== 'submit') throw badRequest(`the publish-options form must be of type submit, not ${form.type}`);
  if (form.formType !== NS.PUBSUB_PUBLISH_OPTIONS) {
    throw badRequest(`the form's FORM_TYPE must be ${NS.PUBSUB_PUBLISH_OPTIONS}`);
  }
  const options = singleValues(form);
  const reserved = RESERVED_OPTIONS.find((name) => name in options);
  if (reserved) throw badRequest(`the publish-option ${reserved} is reserved (Herald stores <encrypt xmlns='${NS.PUSH_ENCRYPT}'/> and Push 2.0 under it)`);
  return options;
}
