/**
 * XEP-0060 §8.2 node configuration of a push node (pure): the form the owner gets (§8.2.2) and
 * the reading of the form the owner submits (§8.2.4), also used for create-and-configure (§8.1.3).
 *
 * Only `pubsub#publish_model` can change (publishers | open). Push nodes keep their other
 * options fixed — whitelist access, no persisted items, one item (MongooseIM's push node
 * defaults) — and a submission may repeat those fixed values, as MongooseIM's client guide
 * sends `access_model=whitelist`, but not change them. An unknown field or a value the node
 * cannot take is XEP-0060 §8.2.5.2's `modify/not-acceptable`.
 */
import xml, { type Element } from '@xmpp/xml';
import { parseDataForm, singleValue, type DataForm } from '../xmpp/data-form.js';
import { NS } from '../xmpp/namespaces.js';
import { badRequest, StanzaError } from '../xmpp/stanza-error.js';
import { publishModelOf, type PublishModel, type PushNodeRecord } from './node-record.js';

/** What a submitted configuration changes; empty = nothing. */
export interface NodeConfigChange {
  publishModel?: PublishModel;
}

const PUBLISH_MODELS: readonly PublishModel[] = ['publishers', 'open'];

/** Fixed options: field → the values that mean the fixed setting (XEP-0004 §3.3 booleans). */
const FIXED: Readonly<Record<string, { values: readonly string[]; label: string; type: string; shown: string }>> = {
  'pubsub#access_model': { values: ['whitelist'], label: 'Who may subscribe (push nodes have no subscribers)', type: 'list-single', shown: 'whitelist' },
  'pubsub#persist_items': { values: ['0', 'false'], label: 'Persist items (push nodes keep none)', type: 'boolean', shown: '0' },
  'pubsub#max_items': { values: ['1'], label: 'Items kept', type: 'text-single', shown: '1' },
};
const PUBLISH_MODEL_FIELD = 'pubsub#publish_model';

/** XEP-0060 §8.2.2: `<pubsub xmlns='…#owner'><configure node><x type='form'>…`. */
export function configureReply(node: string, record: PushNodeRecord): Element {
  const form = xml(
    'x',
    { xmlns: NS.DATA, type: 'form' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS.PUBSUB_NODE_CONFIG)),
    xml(
      'field',
      { var: PUBLISH_MODEL_FIELD, type: 'list-single', label: 'Who may publish' },
      ...PUBLISH_MODELS.map((m) => xml('option', {}, xml('value', {}, m))),
      xml('value', {}, publishModelOf(record)),
    ),
    ...Object.entries(FIXED).map(([name, f]) =>
      xml(
        'field',
        { var: name, type: f.type, label: f.label },
        ...(f.type === 'list-single' ? [xml('option', {}, xml('value', {}, f.shown))] : []),
        xml('value', {}, f.shown),
      ),
    ),
  );
  return xml('pubsub', { xmlns: NS.PUBSUB_OWNER }, xml('configure', { node }, form));
}

/**
 * Reads the `<x/>` of a configure set (XEP-0060 §8.2.4). `cancel` means "keep the configuration"
 * (§8.2.4: "the existing configuration MUST be applied").
 * @throws StanzaError modify/bad-request for a missing or malformed form, modify/not-acceptable
 *   for a field or value the node cannot take.
 */
export function readConfigSubmission(configure: Element): NodeConfigChange | 'cancel' {
  const x = configure.getChild('x', NS.DATA);
  if (!x) throw badRequest('a configure request carries a jabber:x:data form');
  const form = parseDataForm(x);
  if (form.type === 'cancel') return 'cancel';
  if (form.type !== 'submit') throw badRequest(`a configuration form of type ${form.type.slice(0, 16)} (submit or cancel)`);
  return readConfigForm(form);
}

/** The fields of a submitted node_config form (also the `<configure/>` of a create). */
export function readConfigForm(form: DataForm): NodeConfigChange {
  if (form.formType !== undefined && form.formType !== NS.PUBSUB_NODE_CONFIG) {
    throw badRequest(`a node configuration has FORM_TYPE ${NS.PUBSUB_NODE_CONFIG}`);
  }
  const change: NodeConfigChange = {};
  for (const name of form.fields.keys()) {
    const value = singleValue(form, name);
    if (name === PUBLISH_MODEL_FIELD) {
      if (value === undefined) continue;
      if (!(PUBLISH_MODELS as readonly string[]).includes(value)) {
        throw notAcceptable(`${PUBLISH_MODEL_FIELD} must be publishers or open (a push node has no subscribers)`);
      }
      change.publishModel = value as PublishModel;
      continue;
    }
    const fixed = FIXED[name];
    if (!fixed) throw notAcceptable(`push nodes have no option ${name.slice(0, 64)}`);
    if (value !== undefined && !fixed.values.includes(value)) {
      throw notAcceptable(`${name} of a push node is fixed at ${fixed.shown}`);
    }
  }
  return change;
}

/** XEP-0060 §8.2.5.2: the change cannot be processed. */
function notAcceptable(text: string): StanzaError {
  return new StanzaError('not-acceptable', 'modify', text);
}
