/**
 * A batch between threads (src/shards/batch-codec.ts) arrives as it was sent, item for item,
 * whatever its texts hold: quotes, colons, digits, dashes, lone surrogates, empty strings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBatch, encodeBatch } from '../../src/shards/batch-codec.js';

/** JSON values as items carry them (no undefined: it travels as null, as in JSON). */
const value = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('', '-', ':', '12:', '3:abc', "<iq id='1' to=\"a\">é😀</iq>", '\uD800', '\uDC00x'));
const item = fc.oneof(
  fc.tuple(fc.constantFrom('stanza', 'route'), fc.integer(), text),
  fc.tuple(fc.constantFrom('done', 'closed'), fc.integer()),
  fc.tuple(fc.constant('log'), fc.constantFrom('info', 'warn'), text, fc.dictionary(fc.string(), value).map((d) => JSON.parse(JSON.stringify(d)) as unknown)),
  fc.array(value, { maxLength: 4 }),
  fc.array(text, { minLength: 1, maxLength: 3 }),
);

test('every batch of items arrives as it was sent, in order', () => {
  fc.assert(
    fc.property(fc.array(item, { maxLength: 20 }), (items) => {
      assert.deepEqual(decodeBatch(encodeBatch(items)), items);
    }),
    { numRuns: 2_000 },
  );
});

test('a stanza crosses raw, not escaped as JSON', () => {
  const stanza = `<message to="juliet@capulet.lit" id='m"1'><body>a "quote"</body></message>`;
  const encoded = encodeBatch([['stanza', 7, stanza]]);
  assert.ok(encoded.endsWith(stanza), encoded);
  assert.deepEqual(decodeBatch(encoded), [['stanza', 7, stanza]]);
});

test('a cut or garbled batch is refused, not read as other items', () => {
  const encoded = encodeBatch([['stanza', 1, '<a/>'], ['done', 2]]);
  for (const bad of [encoded.slice(0, -3), 'x' + encoded, '99:' + encoded]) {
    assert.throws(() => decodeBatch(bad), /cut or garbled|JSON/);
  }
});
