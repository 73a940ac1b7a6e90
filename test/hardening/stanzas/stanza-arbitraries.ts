/**
 * Generated stanza texts for property tests (fast-check): real stanzas (enable, disable, publish,
 * node creation, disco, message) mutated at random, random element trees written with or without
 * escaping, random bytes. Used by the fuzzing of both ways in (fuzz.test.ts) and by the check
 * that the common-stanza reader agrees with the strict parser (test/xmpp/common-stanza-reader).
 */
import fc from 'fast-check';
import { createNodeText, DOMAIN, OWNER, publishText } from './harness.js';

const TOKEN = 'b'.repeat(64);
const form = (type: string, fields: Record<string, string>): string =>
  `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${type}</value></field>` +
  Object.entries(fields).map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`).join('') +
  '</x>';
/** Stands for the stanza's id in generated inputs; each run puts a fresh one in its place. */
export const ID = 'ID-PLACEHOLDER';
export const SEEDS: ReadonlyArray<(id: string) => string> = [
  (id) =>
    `<iq type='set' id='${id}' from='${OWNER}' to='alice@localhost'><enable xmlns='urn:xmpp:push:0' jid='${DOMAIN}' node='n-${id}'>` +
    form('http://jabber.org/protocol/pubsub#publish-options', { service: 'apns', device_id: TOKEN }) +
    '</enable></iq>',
  (id) => `<iq type='set' id='${id}' from='${OWNER}' to='alice@localhost'><disable xmlns='urn:xmpp:push:0' jid='${DOMAIN}' node='n-${id}'/></iq>`,
  (id) => publishText(id),
  (id) => createNodeText(id).replace(/node='[^']*'/, `node='fuzz-${id}'`),
  (id) => `<iq type='get' id='${id}' from='${OWNER}' to='${DOMAIN}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
  (id) => `<message id='${id}' from='bob@localhost/x' to='alice@localhost' type='chat'><body>hi &amp; bye</body></message>`,
];
const PIECES = [
  '<', '>', '&', ';', "'", '"', '/', '=', '!', '?', '[', ']', '-', ':', ' ', '\n', '\r', '\t', '\u0000', '\u001b', '\uD800',
  '\uFFFE', 'é', '𝄞', '&#0;', '&#x1F600;', '&foo;', '&amp;', '&lt;', '<!--', '-->', '<!DOCTYPE x>', '<?pi x?>', ']]>',
  '<![CDATA[', "xmlns:p='urn:p'", "p:a='1'", '<p:a/>', '<a>', '</a>', '<a/>', '</iq>', "<iq type='get'>", " id='x'",
  "xml:lang='en'", '</stream:stream>', "xmlns=''",
];
type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'truncate'; at: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8, unit: 'binary' })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 40 }), times: fc.oneof(fc.integer({ min: 2, max: 40 }), fc.constantFrom(3_000, 20_000)) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);
function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = Math.floor(m.at * out.length);
    if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.kind === 'repeat') out = out.slice(0, at) + out.slice(at, at + m.length).repeat(m.times) + out.slice(at + m.length);
    else out = out.slice(0, at);
  }
  return out;
}
/** A real stanza, mutated (or not, one time in five). */
export const mutatedStanza: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 4 }) }))
  .map(([seed, mutations]) => mutate(SEEDS[seed]!(ID), mutations));

export interface Tree {
  name: string;
  attrs: Array<[string, string]>;
  children: Array<Tree | string>;
}
export const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.record({
    name: fc.constantFrom('a', 'b', 'query', 'field', 'value', 'p:a', 'x:y', 'xmlns:z'),
    attrs: fc.array(fc.tuple(fc.constantFrom('v', 'var', 'type', 'xmlns', 'xmlns:p', 'p:v', 'xml:lang', 'q:v'), fc.string({ maxLength: 6, unit: 'binary' })), { maxLength: 3 }),
    children: fc.array(fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 6, unit: 'binary' }), tie('tree')), { maxLength: 4 }),
  }),
}));
/** Written with entities escaped, or not (then often not XML at all). */
export function serialise(node: Tree | string, escape: boolean): string {
  const esc = (s: string): string => (escape ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;') : s);
  if (typeof node === 'string') return esc(node);
  const attrs = node.attrs.map(([k, v]) => ` ${k}='${esc(v)}'`).join('');
  return `<${node.name}${attrs}>${node.children.map((c) => serialise(c, escape)).join('')}</${node.name}>`;
}
/** A random tree as the payload of an IQ get to the App Server. */
export const treeStanza: fc.Arbitrary<string> = fc
  .tuple(tree, fc.boolean())
  .map(([t, escape]) => `<iq type='get' id='${ID}' from='${OWNER}' to='${DOMAIN}'>${serialise(t, escape)}</iq>`);
/** Random bytes, sometimes after the start of a real stanza. */
export const randomBytes: fc.Arbitrary<Buffer> = fc
  .tuple(fc.uint8Array({ maxLength: 200 }), fc.boolean())
  .map(([bytes, prefixed]) => Buffer.concat([Buffer.from(prefixed ? `<iq type='get' id='${ID}' to='${DOMAIN}'>` : ''), Buffer.from(bytes)]));
/** The input with a fresh id in place of ID. */
export function withId(input: string | Buffer, id: string): string | Buffer {
  return typeof input === 'string' ? input.replaceAll(ID, id) : Buffer.from(input.toString('latin1').replaceAll(ID, id), 'latin1');
}
