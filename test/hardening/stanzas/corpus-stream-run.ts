/**
 * Every hostile input of the corpus on the component stream: Herald joined to a plain XEP-0114
 * server that writes the input after the handshake. Whatever the input, Herald answers as
 * RFC 6120 says (or drops what has no answer), stays up, is online afterwards (joining again
 * where a stream error is right) and serves a normal publish right after. Run with the stream
 * parsed (corpus-stream.test.ts) and framed (corpus-stream-framed.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Element } from '@xmpp/xml';
import { describeStream, HOSTILE_INPUTS, type HostileInput } from './corpus.js';
import { errorOf, NS_STREAMS, StreamRig } from './harness.js';
import { eventually } from '../../support/eventually.js';

export function runCorpusOnStream(framed: boolean): void {
  const how = framed ? 'on the framed component stream' : 'on the component stream';
  let rig: StreamRig;
  before(async () => {
    rig = await StreamRig.start({}, framed);
  });
  after(async () => {
    await rig.close();
  });
  for (const input of HOSTILE_INPUTS) {
    if (!input.stream) continue;
    test(`${how}, ${input.name} ${describeStream(input.stream.expect)}, and a publish is served after it`, () => runOnStream(rig, input));
  }
}

async function runOnStream(rig: StreamRig, input: HostileInput): Promise<void> {
  const stream = input.stream!;
  const { expect } = stream;
  await eventually(() => rig.link.state === 'online', 'the component online before the input', 15_000);
  const before = { ...rig.link.stats };
  const answers: Element[] = [];
  const onStanza = (el: Element): void => void (el.attrs.id === input.id && answers.push(el));
  rig.server.on('stanza', onStanza);
  try {
    const streamError = expect.kind === 'stream-error' ? rig.server.next('stream-error', () => true, 10_000) : undefined;
    if (stream.header) {
      // The next connection gets the broken header.
      rig.server.header = stream.header;
      rig.server.dropAll();
    } else {
      await rig.server.writeAll(stream.chunks());
      if (stream.thenDrop) rig.server.dropAll();
    }
    switch (expect.kind) {
      case 'answered': {
        await eventually(() => answers.length > 0, `an answer to ${input.id}`, 15_000);
        const [answer] = answers;
        assert.equal(answer!.attrs.type, expect.type, answer!.toString().slice(0, 500));
        if (expect.type === 'error') assert.equal(errorOf(answer!), expect.error);
        break;
      }
      case 'stream-error': {
        const [error] = await streamError!;
        rig.server.header = undefined;
        assert.ok(error.getChild(expect.condition, NS_STREAMS), error.toString());
        await rig.rejoined(before.onlines);
        break;
      }
      case 'rejoined':
        await rig.rejoined(before.onlines);
        break;
      case 'ignored':
        break;
    }
    await rig.publishServed();
    assert.equal(rig.link.state, 'online');
    if (expect.kind === 'answered' || expect.kind === 'ignored') {
      assert.equal(rig.link.stats.onlines, before.onlines, 'the stream stayed up');
      assert.equal(rig.link.stats.streamErrors, before.streamErrors, 'no stream error');
    }
    if (expect.kind !== 'answered') assert.deepEqual(answers.map(String), [], 'no answer');
  } finally {
    rig.server.off('stanza', onStanza);
    rig.server.header = undefined;
  }
}
