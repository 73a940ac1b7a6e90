/**
 * XEP-0004 data forms: just what push needs (submit/form/result forms with FORM_TYPE).
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from './namespaces.js';
import { badRequest } from './stanza-error.js';
import { attr } from './attr.js';

export interface DataForm {
  /** XEP-0004 §3.1 form type: form, submit, cancel or result. */
  type: string;
  /** Value of the hidden FORM_TYPE field (XEP-0068), if any. */
  formType?: string;
  /** Field var → values, in document order. */
  fields: Map<string, string[]>;
}

/** Reads an `<x xmlns='jabber:x:data'/>`; a field without `var` or a repeated var is bad-request. */
export function parseDataForm(x: Element): DataForm {
  const fields = new Map<string, string[]>();
  let formType: string | undefined;
  for (const field of x.getChildren('field')) {
    const name = attr(field, 'var');
    if (!name) throw badRequest('a data form field has no var');
    if (fields.has(name)) throw badRequest(`field ${name} appears twice`);
    const values = field.getChildren('value').map((v) => v.getText());
    if (name === 'FORM_TYPE') formType = values[0];
    else fields.set(name, values);
  }
  return { type: attr(x, 'type') ?? 'form', formType, fields };
}

/** The form's only value for `name`; XEP-0357 publish-options fields are single-valued. */
export function singleValue(form: DataForm, name: string): string | undefined {
  const values = form.fields.get(name);
  if (!values || values.length === 0) return undefined;
  if (values.length > 1) throw badRequest(`field ${name} must have one value`);
  return values[0];
}

/** All fields as single values; throws bad-request on any multi-valued field. */
export function singleValues(form: DataForm): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of form.fields.keys()) {
    const value = singleValue(form, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Builds a form with a hidden FORM_TYPE; undefined values are left out. */
export function buildDataForm(
  type: string,
  formType: string,
  fields: ReadonlyArray<readonly [string, string | undefined]>,
): Element {
  const x = xml(
    'x',
    { xmlns: NS.DATA, type },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
  );
  for (const [name, value] of fields) {
    if (value !== undefined) x.append(xml('field', { var: name }, xml('value', {}, value)));
  }
  return x;
}
