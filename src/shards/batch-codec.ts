/**
 * The text one batch of items crosses a thread boundary as (batched-port.ts). An item is a tuple
 * (shard-protocol.ts) whose last element is often a whole stanza; JSON would escape every quote
 * of it on one side and unescape it on the other (~2.8 µs per 1 KB stanza, measured), so that
 * element travels raw, after its length:
 *
 *   item  = head-length ":" head ( text-length ":" text | "-" )
 *   head  = the JSON of the tuple without its last element when that is a string, else of it all
 *
 * Lengths count UTF-16 code units, as `String.prototype.length` does, so a text is read back with
 * one `slice`, whatever characters it holds (unpaired surrogates included: a stanza is only
 * checked once it arrives). Items must otherwise be JSON values: `undefined` arrives as null.
 */
const COLON = ':';
const NO_TEXT = '-';

export function encodeBatch(items: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const item of items) {
    const last = item[item.length - 1];
    if (typeof last === 'string') {
      const head = JSON.stringify(item.slice(0, -1));
      out += head.length + COLON + head + last.length + COLON + last;
    } else {
      const head = JSON.stringify(item);
      out += head.length + COLON + head + NO_TEXT;
    }
  }
  return out;
}

export function decodeBatch<Item>(batch: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  while (pos < batch.length) {
    const [headLength, headStart] = lengthAt(batch, pos);
    const item = JSON.parse(batch.slice(headStart, headStart + headLength)) as unknown[];
    pos = headStart + headLength;
    if (batch[pos] === NO_TEXT) {
      pos++;
    } else {
      const [textLength, textStart] = lengthAt(batch, pos);
      item.push(batch.slice(textStart, textStart + textLength));
      pos = textStart + textLength;
    }
    items.push(item as Item);
  }
  return items;
}

/** The length written at `pos` and where what it measures starts. */
function lengthAt(batch: string, pos: number): [length: number, start: number] {
  const colon = batch.indexOf(COLON, pos);
  const length = colon === -1 ? NaN : Number(batch.slice(pos, colon));
  if (!Number.isSafeInteger(length) || length < 0 || colon + 1 + length > batch.length) {
    throw new Error(`a batch between threads is cut or garbled at ${pos}`);
  }
  return [length, colon + 1];
}
