/**
 * Every hostile input of the corpus that has a text form, through the embedding API
 * (`herald.handleStanza(text)`): answered through `host.route` where RFC 6120 asks for an
 * answer, refused with a stable code (and the stream error condition a host closes with) where
 * there is none to give, and a normal publish served right after.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { streamErrorCondition } from '../../../src/component/index.js';
import { isHeraldError } from '../../../src/core/errors.js';
import { describeEmbedding, HOSTILE_INPUTS, type HostileInput } from './corpus.js';
import { EmbeddedRig, errorOf } from './harness.js';

let rig: EmbeddedRig;
before(async () => {
  rig = await EmbeddedRig.start();
});
after(async () => {
  await rig.close();
});

for (const input of HOSTILE_INPUTS) {
  if (!input.embedding) continue;
  test(`through the embedding API, ${input.name} ${describeEmbedding(input.embedding.expect)}, and a publish is served after it`, () =>
    runEmbedded(input));
}

async function runEmbedded(input: HostileInput): Promise<void> {
  const { expect, text } = input.embedding!;
  const routedBefore = rig.routed.length;
  let failure: unknown;
  let rejected = false;
  try {
    await rig.herald.handleStanza(text());
  } catch (e) {
    failure = e;
    rejected = true;
  }
  switch (expect.kind) {
    case 'answered': {
      assert.equal(rejected, false, `handleStanza rejected: ${String(failure)}`);
      const answer = await rig.routedFor(input.id);
      assert.equal(answer.attrs.type, expect.type, answer.toString().slice(0, 500));
      if (expect.type === 'error') assert.equal(errorOf(answer), expect.error);
      break;
    }
    case 'accepted':
      assert.equal(rejected, false, `handleStanza rejected: ${String(failure)}`);
      break;
    case 'rejected':
      assert.ok(rejected, 'handleStanza resolved');
      assert.ok(isHeraldError(failure, expect.code), `expected ${expect.code}, got ${String(failure)}`);
      if (expect.condition) assert.equal(streamErrorCondition(failure), expect.condition, String(failure));
      break;
  }
  await rig.publishServed();
  if (expect.kind !== 'answered') {
    assert.deepEqual(rig.routed.slice(routedBefore).filter((el) => el.attrs.id === input.id).map(String), [], 'no answer');
  }
}
